/**
 * The owner's devices learn about changes to a conversation (a new message, a new title) through
 * their UserHub, which feeds every sidebar they have open.
 */
import { getServerByName } from "partyserver";
import { toSummary } from "../db/queries";
import { logError } from "../observability/log";
import type { TurnHost } from "./turn/runner";

export function notifyOwner(host: Pick<TurnHost, "env" | "ctx" | "name" | "store">): void {
  const conversation = host.store.cached?.conversation;
  if (!conversation || conversation.deletedAt !== null) return;
  const summary = toSummary(conversation);
  const send = async () => {
    const hub = await getServerByName(host.env.UserHub, conversation.ownerId);
    await hub.conversationChanged(summary);
  };
  host.ctx.waitUntil(
    send().catch((cause: unknown) => logError("hub_notify_failed", { room: host.name, cause })),
  );
}
