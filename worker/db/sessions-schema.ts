/**
 * The tables behind signed-in sessions (part of the D1 schema, re-exported by ./schema.ts so
 * drizzle-kit sees it; worker/auth/sessions.ts reads and writes them).
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./schema";

/**
 * Signed-in sessions: one per sign-in on one device. The access token names its session (`sid`)
 * and every request checks it here, so signing out takes effect on the next request. The refresh
 * tokens of a session share its id as their family.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);
export type Session = typeof sessions.$inferSelect;

/**
 * Refresh tokens of signed-in sessions, stored as SHA-256 hashes. Each use rotates the token
 * within its family; presenting a revoked token (a stolen copy) revokes the whole family.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tokenHash: text("token_hash").notNull(),
    familyId: text("family_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("refresh_tokens_hash").on(t.tokenHash), index("refresh_tokens_user").on(t.userId)],
);
export type RefreshToken = typeof refreshTokens.$inferSelect;

// The tokens of mailed links live in their own module (re-exported here for drizzle-kit).
export * from "./email-tokens-schema";
