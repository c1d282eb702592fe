/**
 * The tokens behind the links Parley mails: confirm an address, reset a password, move an account
 * to a new address. A token is 32 random bytes (base64url) that exist only in the mail; D1 keeps
 * their SHA-256. Each is single-use: using it is one `UPDATE … WHERE used_at IS NULL RETURNING`,
 * so two clicks racing each other cannot both succeed. Asking for a new reset or change link
 * voids the older ones of that kind.
 *
 * The same rows throttle the mail: at most one mail of a kind per minute and five a day per
 * account (`mailWaitMs`), so no one can flood an inbox through Parley.
 */
import { and, desc, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/queries";
import { emailTokens, type EmailToken, type EmailTokenPurpose } from "../db/schema";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How long each kind of link works. */
export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify_email: DAY,
  reset_password: 30 * MINUTE,
  change_email: 60 * MINUTE,
};

/** Mails of one kind per account: one a minute, five a day. */
export const MAIL_LIMITS = { perMinute: 1, perDay: 5 } as const;

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** A new link token for `userId`, mailed to `email`; returns it raw (it is stored hashed). */
export async function issueEmailToken(
  db: Db,
  input: { purpose: EmailTokenPurpose; userId: string; email: string },
): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  const insert = db.insert(emailTokens).values({
    id: crypto.randomUUID(),
    tokenHash: await sha256(token),
    purpose: input.purpose,
    userId: input.userId,
    email: input.email,
    createdAt: now,
    expiresAt: now + EMAIL_TOKEN_TTL_MS[input.purpose],
    usedAt: null,
  });
  if (input.purpose === "verify_email") {
    // Any confirmation link that reaches the right mailbox proves the same thing; keep them all.
    await insert;
    return token;
  }
  const voidOlder = db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.userId, input.userId),
        eq(emailTokens.purpose, input.purpose),
        isNull(emailTokens.usedAt),
      ),
    );
  await db.batch([voidOlder, insert]);
  return token;
}

/** The unused, unexpired token of this kind, without using it. */
export async function findEmailToken(
  db: Db,
  purpose: EmailTokenPurpose,
  token: string,
): Promise<EmailToken | null> {
  const [row] = await db
    .select()
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.tokenHash, await sha256(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, Date.now()),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Uses the token (once, atomically); null when it is unknown, used, expired or of another kind. */
export async function useEmailToken(
  db: Db,
  purpose: EmailTokenPurpose,
  token: string,
): Promise<EmailToken | null> {
  const now = Date.now();
  const [row] = await db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.tokenHash, await sha256(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning();
  return row ?? null;
}

/** Milliseconds until this account may be sent another mail of this kind; 0 means now. */
export async function mailWaitMs(db: Db, userId: string, purpose: EmailTokenPurpose): Promise<number> {
  const now = Date.now();
  const recent = await db
    .select({ createdAt: emailTokens.createdAt })
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.userId, userId),
        eq(emailTokens.purpose, purpose),
        gt(emailTokens.createdAt, now - DAY),
      ),
    )
    .orderBy(desc(emailTokens.createdAt))
    .limit(MAIL_LIMITS.perDay);
  let wait = 0;
  const newest = recent[0];
  if (newest && recent.filter((row) => row.createdAt > now - MINUTE).length >= MAIL_LIMITS.perMinute) {
    wait = newest.createdAt + MINUTE - now;
  }
  const oldest = recent[MAIL_LIMITS.perDay - 1];
  if (oldest) wait = Math.max(wait, oldest.createdAt + DAY - now);
  return Math.max(0, wait);
}

/** Deletes rows no longer needed for links or throttling (the daily cron). */
export async function sweepEmailTokens(db: Db, now = Date.now()): Promise<number> {
  const removed = await db
    .delete(emailTokens)
    .where(lt(emailTokens.createdAt, now - 2 * DAY))
    .returning({ id: emailTokens.id });
  return removed.length;
}
