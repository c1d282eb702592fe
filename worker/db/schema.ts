/**
 * D1 schema, the source of truth for `migrations/` (regenerate with `npm run db:generate`).
 * Times are Unix epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MESSAGE_STATUSES } from "../protocol";

/**
 * Guests and (later) accounts share one table: a guest is a row with `kind = 'guest'` and no
 * email. Signing up turns that row into an account in place, so the guest's conversations are
 * claimed without rewriting their owner ids.
 */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["guest", "user"] })
      .notNull()
      .default("guest"),
    email: text("email"),
    displayName: text("display_name"),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);
export type User = typeof users.$inferSelect;

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull().default(""),
    model: text("model"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("conversations_owner_updated").on(t.ownerId, t.updatedAt)],
);
export type Conversation = typeof conversations.$inferSelect;

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id),
    /** Order within the conversation; assigned by the conversation's room, its only writer. */
    position: integer("position").notNull(),
    /** The message this one answers or follows; reserved for branches. */
    parentId: text("parent_id"),
    role: text("role", { enum: ["system", "user", "assistant"] }).notNull(),
    content: text("content").notNull().default(""),
    reasoning: text("reasoning").notNull().default(""),
    model: text("model"),
    provider: text("provider"),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    finishReason: text("finish_reason"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    cachedInputTokens: integer("cached_input_tokens"),
    reasoningTokens: integer("reasoning_tokens"),
    costUsd: real("cost_usd"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("messages_conversation_position").on(t.conversationId, t.position),
    index("messages_status")
      .on(t.status)
      .where(sql`status = 'streaming'`),
  ],
);
export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
