/**
 * A person's plan changed (a webhook, an admin's grant): every room drops what it knew of their
 * limits, so the very next turn is admitted under the new plan, and every open device of theirs
 * is told through their UserHub, so the page shows the new plan and limits without a reload.
 */
import { getServerByName } from "partyserver";
import { dropRoomCaches } from "../room/caches";

export async function notifyPlanChange(env: Env, userId: string): Promise<void> {
  await dropRoomCaches(env, { userId });
  const hub = await getServerByName(env.UserHub, userId);
  await hub.planChanged();
}
