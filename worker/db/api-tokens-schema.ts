/**
 * Personal access tokens (part of the D1 schema, re-exported by ./schema.ts so drizzle-kit sees
 * it; worker/compat/tokens.ts reads and writes them). API clients send one as `Authorization:
 * Bearer pk_live_…` (or Anthropic's `x-api-key`) to call Parley's OpenAI- and Anthropic-compatible
 * endpoints. Only the SHA-256 hash of the secret is stored; the secret is shown once.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./schema";

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** What the person called it ("laptop script"); shown in the sidebar beside its chats. */
    name: text("name").notNull(),
    /** The start of the secret (`pk_live_` and a few characters), to tell tokens apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole secret, hex. */
    secretHash: text("secret_hash").notNull(),
    /** False: calls made with this token keep no conversation, only their usage. */
    keepHistory: integer("keep_history", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_secret").on(t.secretHash), index("api_tokens_user").on(t.userId)],
);
export type ApiToken = typeof apiTokens.$inferSelect;
