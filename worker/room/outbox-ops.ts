/**
 * The writes a room makes to its conversation, as data. Each one is applied twice: to the room's
 * copy of the conversation in memory at once, and to D1 later through the outbox. Both
 * applications are idempotent (inserts ignore rows already there, updates set fixed values), so
 * an operation retried after a lost answer, or replayed over a fresh read of D1, changes nothing
 * the second time.
 */
import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db, FinalMessage } from "../db/queries";
import {
  attachments,
  conversations,
  messages,
  users,
  type Attachment,
  type Conversation,
  type Message,
} from "../db/schema";

export type OutboxOp =
  /** A conversation an API client started (created with its first turn, never before). */
  | { kind: "conversation"; row: Conversation; ownerKind: "guest" | "user" }
  | {
      kind: "turn";
      conversationId: string;
      /** New messages, oldest first. */
      rows: Message[];
      /** The stopped answer a `continue` reopens. */
      reopen?: { id: string; at: number };
      bump: { at: number; activeLeafId: string; model: string; titleIfEmpty: string };
      /** Uploads the prompt carries, already pointing at it. */
      attach?: { rows: Attachment[]; ownerId: string };
      /** Files an edited prompt keeps from the version it replaces: new rows, same stored bytes. */
      copies?: Attachment[];
      /** The last answer's calls to an API client's tools, now with the client's results. */
      answered?: { messageId: string; toolCalls: string };
    }
  | { kind: "final"; messageId: string; final: FinalMessage; at: number }
  | { kind: "leaf"; conversationId: string; leafId: string }
  | { kind: "delete"; messageId: string; at: number };

/** D1 binds at most 100 parameters per statement: a few message rows per insert. */
const ROWS_PER_INSERT = 3;

export function d1Statements(db: Db, op: OutboxOp): Array<BatchItem<"sqlite">> {
  switch (op.kind) {
    case "conversation":
      return [
        // A guest's first write creates their users row (as createConversation does).
        db
          .insert(users)
          .values({
            id: op.row.ownerId,
            kind: op.ownerKind,
            createdAt: op.row.createdAt,
            lastSeenAt: op.row.createdAt,
          })
          .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: op.row.createdAt } }),
        db.insert(conversations).values(op.row).onConflictDoNothing(),
      ];
    case "turn": {
      const out: Array<BatchItem<"sqlite">> = [
        db
          .update(conversations)
          .set({
            updatedAt: op.bump.at,
            activeLeafId: op.bump.activeLeafId,
            model: op.bump.model,
            title: sql`CASE WHEN ${conversations.title} = '' THEN ${op.bump.titleIfEmpty} ELSE ${conversations.title} END`,
          })
          .where(eq(conversations.id, op.conversationId)),
      ];
      if (op.reopen) {
        out.push(
          db
            .update(messages)
            .set({
              status: "streaming",
              finishReason: null,
              errorCode: null,
              errorMessage: null,
              updatedAt: op.reopen.at,
            })
            .where(eq(messages.id, op.reopen.id)),
        );
      }
      for (let i = 0; i < op.rows.length; i += ROWS_PER_INSERT) {
        out.push(
          db
            .insert(messages)
            .values(op.rows.slice(i, i + ROWS_PER_INSERT))
            .onConflictDoNothing(),
        );
      }
      if (op.answered) {
        out.push(
          db
            .update(messages)
            .set({ toolCalls: op.answered.toolCalls })
            .where(eq(messages.id, op.answered.messageId)),
        );
      }
      for (const file of op.copies ?? []) out.push(db.insert(attachments).values(file).onConflictDoNothing());
      for (const file of op.attach?.rows ?? []) {
        out.push(
          db
            .update(attachments)
            .set({ messageId: file.messageId, conversationId: op.conversationId })
            .where(eq(attachments.id, file.id)),
        );
      }
      return out;
    }
    case "final":
      return [db.update(messages).set(finalColumns(op.final, op.at)).where(eq(messages.id, op.messageId))];
    case "leaf":
      return [
        db
          .update(conversations)
          .set({ activeLeafId: op.leafId })
          .where(eq(conversations.id, op.conversationId)),
      ];
    case "delete":
      return [
        db.update(messages).set({ deletedAt: op.at, updatedAt: op.at }).where(eq(messages.id, op.messageId)),
      ];
  }
}

/** What a conversation looks like to its room: the row, every message, and files by message. */
export interface ConversationState {
  conversation: Conversation | undefined;
  /** Every message, deleted ones included, in position order. */
  rows: Message[];
  files: Map<string, Attachment[]>;
}

/** Applies an operation to the room's copy (the same effect D1 gets from `d1Statements`). */
export function applyToState(state: ConversationState, op: OutboxOp): void {
  switch (op.kind) {
    case "conversation":
      state.conversation ??= { ...op.row };
      return;
    case "turn": {
      const conversation = state.conversation;
      if (conversation) {
        conversation.updatedAt = op.bump.at;
        conversation.activeLeafId = op.bump.activeLeafId;
        conversation.model = op.bump.model;
        if (conversation.title === "") conversation.title = op.bump.titleIfEmpty;
      }
      if (op.reopen) {
        const row = state.rows.find((m) => m.id === op.reopen!.id);
        if (row)
          Object.assign(row, {
            status: "streaming",
            finishReason: null,
            errorCode: null,
            errorMessage: null,
          });
      }
      if (op.answered) {
        const row = state.rows.find((m) => m.id === op.answered!.messageId);
        if (row) row.toolCalls = op.answered.toolCalls;
      }
      for (const row of op.rows) {
        if (!state.rows.some((m) => m.id === row.id)) state.rows.push({ ...row });
      }
      for (const file of [...(op.copies ?? []), ...(op.attach?.rows ?? [])]) {
        if (!file.messageId) continue;
        const list = state.files.get(file.messageId) ?? [];
        if (!list.some((f) => f.id === file.id)) state.files.set(file.messageId, [...list, file]);
      }
      return;
    }
    case "final": {
      const row = state.rows.find((m) => m.id === op.messageId);
      if (row) Object.assign(row, finalColumns(op.final, op.at));
      return;
    }
    case "leaf":
      if (state.conversation) state.conversation.activeLeafId = op.leafId;
      return;
    case "delete": {
      const row = state.rows.find((m) => m.id === op.messageId);
      if (row) Object.assign(row, { deletedAt: op.at, updatedAt: op.at });
      return;
    }
  }
}

function finalColumns(final: FinalMessage, at: number) {
  return {
    content: final.content,
    reasoning: final.reasoning,
    status: final.status,
    finishReason: final.finishReason,
    errorCode: final.error?.code ?? null,
    errorMessage: final.error?.message ?? null,
    inputTokens: final.usage?.inputTokens ?? null,
    outputTokens: final.usage?.outputTokens ?? null,
    cachedInputTokens: final.usage?.cachedInputTokens ?? null,
    reasoningTokens: final.usage?.reasoningTokens ?? null,
    costUsd: final.usage?.costUsd ?? null,
    usageEstimated: final.usage?.estimated === true,
    ...(final.toolCalls ? { toolCalls: JSON.stringify(final.toolCalls) } : {}),
    ...(final.deltaMarks !== undefined ? { deltaMarks: final.deltaMarks } : {}),
    updatedAt: at,
  };
}
