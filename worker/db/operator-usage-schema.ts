/**
 * Model calls Parley makes on its own account (part of the D1 schema, re-exported by ./schema.ts
 * so drizzle-kit sees it). They are paid by the operator and counted in no one's quota: the admin
 * Usage report shows them apart from the answers people asked for.
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const operatorUsage = sqliteTable(
  "operator_usage",
  {
    id: text("id").primaryKey(),
    /** What the call was for: `title` (a conversation's auto-title). */
    purpose: text("purpose", { enum: ["title"] }).notNull(),
    /** The conversation it was made for, if any (kept when that conversation is deleted). */
    conversationId: text("conversation_id"),
    model: text("model").notNull(),
    provider: text("provider").notNull(),
    inputTokens: integer("input_tokens").notNull(),
    outputTokens: integer("output_tokens").notNull(),
    costUsd: real("cost_usd").notNull(),
    /** The provider reported no usage: the counts are Parley's tokenizer estimate. */
    estimated: integer("estimated", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("operator_usage_created").on(t.createdAt)],
);
export type OperatorUsageRow = typeof operatorUsage.$inferSelect;
