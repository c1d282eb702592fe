/**
 * Reads for the data exports and the Undo of a delete: a person's whole history in a few
 * queries (not one per conversation, which a long history would turn into thousands).
 */
import { and, asc, desc, eq, gte, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "./queries";
import { conversations, messages, providerKeys, type Conversation, type Message } from "./schema";

/** How long after a delete its owner may still undo it. */
export const RESTORE_WINDOW_MS = 60_000;

/** Every conversation of `ownerId` that is not deleted, newest first. */
export async function listAllConversations(db: Db, ownerId: string): Promise<Conversation[]> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.ownerId, ownerId), isNull(conversations.deletedAt)))
    .orderBy(desc(conversations.updatedAt));
}

/** Every message of those conversations, grouped by conversation, oldest first within each. */
export async function listAllMessages(db: Db, ownerId: string): Promise<Message[]> {
  const rows = await db
    .select({ message: messages })
    .from(messages)
    .innerJoin(conversations, eq(messages.conversationId, conversations.id))
    .where(and(eq(conversations.ownerId, ownerId), isNull(conversations.deletedAt)))
    .orderBy(asc(messages.conversationId), asc(messages.position));
  return rows.map((row) => row.message);
}

/** The providers someone saved a key for; never the key, not even encrypted. */
export async function listSavedKeys(
  db: Db,
  userId: string,
): Promise<Array<{ provider: string; last4: string; createdAt: number }>> {
  return db
    .select({ provider: providerKeys.provider, last4: providerKeys.last4, createdAt: providerKeys.createdAt })
    .from(providerKeys)
    .where(eq(providerKeys.userId, userId))
    .orderBy(asc(providerKeys.provider));
}

/** The calendar months (UTC, `YYYY-MM`) in which `ownerId` got an answer that counted usage. */
export async function usageMonths(db: Db, ownerId: string): Promise<string[]> {
  const month = sql<string>`strftime('%Y-%m', ${messages.createdAt} / 1000, 'unixepoch')`;
  const rows = await db
    .selectDistinct({ month })
    .from(messages)
    .innerJoin(conversations, eq(messages.conversationId, conversations.id))
    .where(
      and(
        eq(conversations.ownerId, ownerId),
        eq(messages.role, "assistant"),
        isNotNull(messages.outputTokens),
      ),
    )
    .orderBy(month);
  return rows.map((row) => row.month);
}

/**
 * Undoes a delete made less than RESTORE_WINDOW_MS ago by `ownerId`; the restored row, or
 * undefined when there is nothing (any more) to restore.
 */
export async function restoreConversation(
  db: Db,
  conversationId: string,
  ownerId: string,
  now = Date.now(),
): Promise<Conversation | undefined> {
  const [row] = await db
    .update(conversations)
    .set({ deletedAt: null })
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.ownerId, ownerId),
        isNotNull(conversations.deletedAt),
        gte(conversations.deletedAt, now - RESTORE_WINDOW_MS),
      ),
    )
    .returning();
  return row;
}
