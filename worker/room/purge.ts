/**
 * Files of a deleted conversation: removed from R2 and D1 once the undo window has passed, by
 * the room's alarm. A conversation restored in time keeps them.
 */
import { conversationAttachments, deleteAttachmentRows } from "../db/attachments";
import { database, findConversation } from "../db/queries";

/** Files of a deleted conversation are removed this long after the deletion (undo takes 60 s). */
export const PURGE_AFTER_MS = 90_000;
const PURGE_KEY = "purgeFilesAt";

/** Remembers when the files go; returns that time (for the alarm). */
export async function schedulePurge(storage: DurableObjectStorage): Promise<number> {
  const purgeAt = Date.now() + PURGE_AFTER_MS;
  await storage.put(PURGE_KEY, purgeAt);
  return purgeAt;
}

/**
 * Runs a due purge. Returns when the next one is due (Infinity when none is scheduled).
 */
export async function purgeIfDue(
  env: Env,
  storage: DurableObjectStorage,
  conversationId: string,
): Promise<number> {
  const purgeAt = await storage.get<number>(PURGE_KEY);
  if (purgeAt === undefined) return Infinity;
  if (Date.now() < purgeAt) return purgeAt;
  const db = database(env.DB);
  const conversation = await findConversation(db, conversationId);
  if (conversation?.deletedAt) {
    const files = await conversationAttachments(db, conversationId);
    if (files.length > 0) {
      await env.ATTACHMENTS.delete(files.map((file) => file.r2Key));
      await deleteAttachmentRows(
        db,
        files.map((file) => file.id),
      );
    }
  }
  await storage.delete(PURGE_KEY);
  return Infinity;
}
