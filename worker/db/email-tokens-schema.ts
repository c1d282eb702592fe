/**
 * The table behind the links Parley mails (part of the D1 schema, re-exported by ./schema.ts so
 * drizzle-kit sees it; worker/auth/email-tokens.ts reads and writes it).
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./schema";

export const EMAIL_TOKEN_PURPOSES = ["verify_email", "reset_password", "change_email"] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/**
 * The links Parley mails (worker/auth/email-tokens.ts): confirm an address, reset a password,
 * move an account to a new address. Only the SHA-256 of the token is kept; `usedAt` makes each
 * link single-use. Rows stay after use or expiry for a day, because counting them is how resends
 * are throttled; the daily cron deletes older ones.
 */
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    purpose: text("purpose", { enum: EMAIL_TOKEN_PURPOSES }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** The address the link was mailed to: the account's own, or the new one for `change_email`. */
    email: text("email").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [
    uniqueIndex("email_tokens_hash").on(t.tokenHash),
    index("email_tokens_user").on(t.userId, t.purpose, t.createdAt),
  ],
);
export type EmailToken = typeof emailTokens.$inferSelect;
