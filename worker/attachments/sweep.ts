/**
 * The daily sweep (cron trigger in wrangler.toml): uploads that were never sent with a prompt —
 * the tab was closed with files still attached — are deleted from R2 and D1 a day later.
 */
import { deleteAttachmentRows, staleUnsentAttachments } from "../db/attachments";
import { database } from "../db/queries";

export const UNSENT_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export async function sweepUnsentUploads(env: Env, now = Date.now()): Promise<number> {
  const db = database(env.DB);
  let removed = 0;
  for (;;) {
    const stale = await staleUnsentAttachments(db, now - UNSENT_UPLOAD_TTL_MS);
    if (stale.length === 0) return removed;
    await env.ATTACHMENTS.delete(stale.map((file) => file.r2Key));
    await deleteAttachmentRows(
      db,
      stale.map((file) => file.id),
    );
    removed += stale.length;
  }
}
