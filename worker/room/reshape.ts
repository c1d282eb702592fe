/**
 * Changes to the shape of a conversation that are not turns: hiding one message, or showing
 * another branch. Both change what every device sees, so the new path goes to all of them. The
 * room runs them with itself to itself (no turn may start meanwhile).
 */
import { newestLeafUnder } from "../db/branches";
import { AppError } from "../errors";
import type { ClientFrame } from "#protocol/frames";
import type { Audience } from "./presence";
import { visibleMessages } from "./snapshot";
import type { RoomStore } from "./store";

export async function reshape(
  store: RoomStore,
  audience: Audience,
  conversationId: string,
  frame: Extract<ClientFrame, { type: "delete_message" | "switch_branch" }>,
): Promise<void> {
  const state = await store.read();
  const target = state.rows.find((row) => row.id === frame.messageId && row.deletedAt === null);
  if (!target) throw new AppError(404, "not_found", "That message is not in this conversation.");
  if (frame.type === "switch_branch") {
    const leafId = newestLeafUnder(state.rows, target.id)?.id ?? target.id;
    void store.write({ kind: "leaf", conversationId, leafId });
  } else {
    void store.write({ kind: "delete", messageId: target.id, at: Date.now() });
  }
  audience.publish({ type: "path", messages: visibleMessages(await store.read()) });
}
