/**
 * D1 access for conversations and messages. Routes and the ConversationRoom call these; none of
 * them builds SQL of its own. Messages are written only by their conversation's room.
 */
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { ChatMessage, ErrorInfo, FinishReason, MessageStatus, Usage } from "#protocol/messages";
import type { ConversationSummary } from "#protocol/http";
import { finishReasonSchema, toolCallSchema, type ToolCall } from "#protocol/messages";
import { z } from "zod";
import { conversations, messages, users, type Conversation, type Message, type NewMessage } from "./schema";

export type Db = DrizzleD1Database;

/** Messages have 25 columns and D1 binds at most 100 parameters per statement. */
const ROWS_PER_INSERT = 3;

export function database(d1: D1Database): Db {
  return drizzle(d1);
}

export function toSummary(row: Conversation): ConversationSummary {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    pinned: row.pinnedAt !== null,
    systemPrompt: row.systemPrompt,
    apiTokenName: row.apiTokenName,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toChatMessage(row: Message): ChatMessage {
  const finish = finishReasonSchema.safeParse(row.finishReason);
  const usage: Usage | null =
    row.inputTokens !== null && row.outputTokens !== null
      ? {
          inputTokens: row.inputTokens,
          outputTokens: row.outputTokens,
          ...(row.cachedInputTokens !== null ? { cachedInputTokens: row.cachedInputTokens } : {}),
          ...(row.reasoningTokens !== null ? { reasoningTokens: row.reasoningTokens } : {}),
          costUsd: row.costUsd ?? 0,
          ...(row.usageEstimated ? { estimated: true } : {}),
        }
      : null;
  return {
    id: row.id,
    conversationId: row.conversationId,
    role: row.role,
    content: row.content,
    reasoning: row.reasoning,
    model: row.model,
    status: row.status,
    finishReason: finish.success ? finish.data : null,
    error:
      row.errorCode !== null
        ? { code: row.errorCode, message: row.errorMessage ?? "", retryable: row.status === "error" }
        : null,
    usage,
    createdAt: row.createdAt,
    parentId: row.parentId,
    ...(row.toolCalls ? { toolCalls: parseToolCalls(row.toolCalls) } : {}),
  };
}

/** The `tool_calls` column of a message, read leniently: a malformed value reads as none. */
export function parseToolCalls(raw: string): ToolCall[] {
  try {
    const parsed = z.array(toolCallSchema).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Records that a guest (or user) exists; called before its first write. */
export async function touchUser(db: Db, userId: string, kind: "guest" | "user", now = Date.now()) {
  await db
    .insert(users)
    .values({ id: userId, kind, createdAt: now, lastSeenAt: now })
    .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: now } });
}

export async function createConversation(
  db: Db,
  input: {
    id: string;
    ownerId: string;
    kind: "guest" | "user";
    model: string | null;
    title?: string;
    systemPrompt?: string;
    forkedFrom?: string;
  },
): Promise<Conversation> {
  const now = Date.now();
  const row: Conversation = {
    id: input.id,
    ownerId: input.ownerId,
    title: input.title ?? "",
    model: input.model,
    systemPrompt: input.systemPrompt ?? "",
    pinnedAt: null,
    activeLeafId: null,
    forkedFrom: input.forkedFrom ?? null,
    apiTokenName: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  // An id the client chose may already be taken (a retried request, or a guess): the row that
  // stands under it is returned, and the caller decides whether it is this person's.
  const [, , [stored]] = await db.batch([
    db
      .insert(users)
      .values({ id: input.ownerId, kind: input.kind, createdAt: now, lastSeenAt: now })
      .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: now } }),
    db.insert(conversations).values(row).onConflictDoNothing({ target: conversations.id }),
    conversationQuery(db, input.id),
  ]);
  return stored ?? row;
}

/** The conversation if it exists, is not deleted and belongs to `ownerId`. */
export async function findOwnedConversation(
  db: Db,
  conversationId: string,
  ownerId: string,
): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.ownerId, ownerId),
        isNull(conversations.deletedAt),
      ),
    )
    .limit(1);
  return row;
}

/** Applies a rename, pin or system-prompt change; returns the updated row. */
export async function updateConversation(
  db: Db,
  conversationId: string,
  patch: { title?: string; pinned?: boolean; systemPrompt?: string },
): Promise<Conversation | undefined> {
  const set: Partial<Conversation> = {};
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.systemPrompt !== undefined) set.systemPrompt = patch.systemPrompt;
  if (patch.pinned !== undefined) set.pinnedAt = patch.pinned ? Date.now() : null;
  const [row] = await db
    .update(conversations)
    .set(set)
    .where(and(eq(conversations.id, conversationId), isNull(conversations.deletedAt)))
    .returning();
  return row;
}

/** Hides a conversation from its owner for good; its rows stay for accounting. */
export async function softDeleteConversation(db: Db, conversationId: string): Promise<void> {
  await db.update(conversations).set({ deletedAt: Date.now() }).where(eq(conversations.id, conversationId));
}

/** Sets a title only if the conversation has none yet (automatic titles never override a rename). */
export async function setTitleIfUntitled(
  db: Db,
  conversationId: string,
  title: string,
  provisional: string,
): Promise<boolean> {
  const rows = await db
    .update(conversations)
    .set({ title })
    .where(
      and(
        eq(conversations.id, conversationId),
        sql`(${conversations.title} = '' OR ${conversations.title} = ${provisional})`,
      ),
    )
    .returning({ id: conversations.id });
  return rows.length > 0;
}

export async function findConversation(db: Db, conversationId: string): Promise<Conversation | undefined> {
  const [row] = await conversationQuery(db, conversationId);
  return row;
}

/** The query behind `findConversation`, for a D1 batch (its result is a list of 0 or 1 rows). */
export function conversationQuery(db: Db, conversationId: string) {
  return db.select().from(conversations).where(eq(conversations.id, conversationId)).limit(1);
}

export async function listConversations(db: Db, ownerId: string, limit = 100): Promise<Conversation[]> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.ownerId, ownerId), isNull(conversations.deletedAt)))
    .orderBy(desc(conversations.updatedAt))
    .limit(limit);
}

/** All messages of a conversation, oldest first. */
export async function listMessages(db: Db, conversationId: string): Promise<Message[]> {
  return messagesQuery(db, conversationId);
}

/** Every message of a conversation in order (deleted ones included), as a batchable query. */
export function messagesQuery(db: Db, conversationId: string) {
  return db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.position));
}

/** The newest `limit` messages, oldest first. */
export async function listRecentMessages(db: Db, conversationId: string, limit: number): Promise<Message[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.position))
    .limit(limit);
  return rows.reverse();
}

export interface FinalMessage {
  content: string;
  reasoning: string;
  status: MessageStatus;
  finishReason: FinishReason;
  usage: Usage | null;
  error: ErrorInfo | null;
  /** Tools called while writing the answer; omitted (kept as is) when there were none. */
  toolCalls?: ToolCall[] | null;
  /** Where its frames cut the text (worker/room/delta-marks.ts), for answers an API can replay. */
  deltaMarks?: string;
}

/**
 * Copies messages (a branch, oldest first) into another conversation as a straight line, with
 * new ids, for a fork. Usage stays with the originals: the copy cost nothing.
 */
export async function insertForkedMessages(
  db: Db,
  conversationId: string,
  source: readonly Message[],
  authorId: string,
): Promise<void> {
  if (source.length === 0) return;
  let parentId: string | null = null;
  const now = Date.now();
  const rows: NewMessage[] = source.map((m, position) => {
    const id = crypto.randomUUID();
    const row: NewMessage = {
      id,
      conversationId,
      position,
      parentId,
      authorId,
      role: m.role,
      content: m.content,
      reasoning: m.reasoning,
      model: m.model,
      provider: m.provider,
      status: m.status === "streaming" ? "interrupted" : m.status,
      finishReason: m.finishReason,
      errorCode: m.errorCode,
      errorMessage: m.errorMessage,
      createdAt: m.createdAt,
      updatedAt: now,
    };
    parentId = id;
    return row;
  });
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await db.insert(messages).values(rows.slice(i, i + ROWS_PER_INSERT));
  }
  await db
    .update(conversations)
    .set({ updatedAt: now, activeLeafId: parentId })
    .where(eq(conversations.id, conversationId));
}
