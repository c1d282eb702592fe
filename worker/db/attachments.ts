/** D1 access for attachment rows (the bytes are in R2; see worker/attachments). */
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import type { AttachmentInfo } from "#protocol/messages";
import type { Db } from "./queries";
import { attachments, type Attachment } from "./schema";

export function toAttachmentInfo(row: Attachment): AttachmentInfo {
  return { id: row.id, name: row.name, mimeType: row.mimeType, kind: row.kind, size: row.size };
}

export async function insertAttachment(db: Db, row: Attachment): Promise<void> {
  await db.insert(attachments).values(row);
}

export async function findAttachment(db: Db, id: string): Promise<Attachment | undefined> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id)).limit(1);
  return row;
}

/**
 * Uploads of `ownerId` among `ids` that no message carries yet, as a query for a D1 batch;
 * `inOrderOf` puts its rows in the order of `ids`.
 */
export function unsentAttachmentsQuery(db: Db, ids: readonly string[], ownerId: string) {
  return db
    .select()
    .from(attachments)
    .where(
      and(
        inArray(attachments.id, ids.length > 0 ? [...ids] : [""]),
        eq(attachments.ownerId, ownerId),
        isNull(attachments.messageId),
      ),
    );
}

export function inOrderOf(ids: readonly string[], rows: readonly Attachment[]): Attachment[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Files of a conversation by the message that carries them, oldest first. */
export async function attachmentsByMessage(
  db: Db,
  conversationId: string,
): Promise<Map<string, Attachment[]>> {
  return byMessage(await conversationAttachmentsQuery(db, conversationId));
}

export function conversationAttachmentsQuery(db: Db, conversationId: string) {
  return db.select().from(attachments).where(eq(attachments.conversationId, conversationId));
}

/** Groups attachment rows by the message carrying them (unsent ones are left out). */
export function byMessage(rows: readonly Attachment[]): Map<string, Attachment[]> {
  const grouped = new Map<string, Attachment[]>();
  for (const row of [...rows].sort((a, b) => a.createdAt - b.createdAt)) {
    if (!row.messageId) continue;
    grouped.set(row.messageId, [...(grouped.get(row.messageId) ?? []), row]);
  }
  return grouped;
}

export async function deleteAttachmentRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.delete(attachments).where(inArray(attachments.id, [...ids]));
}

export async function conversationAttachments(db: Db, conversationId: string): Promise<Attachment[]> {
  return conversationAttachmentsQuery(db, conversationId);
}

/** Uploads nobody sent (the tab was closed with files attached), older than `before`. */
export async function staleUnsentAttachments(db: Db, before: number, limit = 500): Promise<Attachment[]> {
  return db
    .select()
    .from(attachments)
    .where(and(isNull(attachments.messageId), lt(attachments.createdAt, before)))
    .limit(limit);
}
