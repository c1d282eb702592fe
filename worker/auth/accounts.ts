/**
 * Accounts: email + password sign-up and sign-in, and the refresh tokens behind signed-in
 * sessions. A guest who signs up becomes the account in place (same id), so every chat made as
 * a guest is simply still theirs; a guest who signs in to an existing account hands its chats
 * over to it.
 *
 * The admin role follows the `ADMIN_EMAILS` setting, for verified addresses only (anyone can type
 * an address at sign-up; only its owner can follow a link mailed to it, worker/auth/
 * email-verification.ts). It is granted at sign-in, and the session middleware keeps it in step
 * on every request (`syncAdminRole`), so removing an email from the list takes the role away
 * without waiting for that person to sign in again.
 */
import { env } from "cloudflare:workers";
import { and, eq, isNull } from "drizzle-orm";
import { getConfig } from "../env";
import type { Db } from "../db/queries";
import { conversations, messages, refreshTokens, users, type User } from "../db/schema";
import { hashPassword, verifyPassword } from "./password";
import { REFRESH_TTL_SECONDS } from "./session";
import { AppError } from "../errors";

const invalidCredentials = (message: string) => new AppError(401, "invalid_credentials", message);

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The configured admin emails (lowercased). */
export function configuredAdminEmails(): ReadonlySet<string> {
  return getConfig(env).ADMIN_EMAILS;
}

/** The role an account should have: admin only for a listed email its owner has verified. */
export function roleForEmail(
  account: Pick<User, "email" | "emailVerifiedAt">,
  adminEmails: ReadonlySet<string>,
): User["role"] {
  const { email, emailVerifiedAt } = account;
  return email !== null && emailVerifiedAt !== null && adminEmails.has(normalizeEmail(email))
    ? "admin"
    : "member";
}

/**
 * Brings a stored role in line with `ADMIN_EMAILS` (a write only when it changed); returns the
 * role now in force. Guests are never admins.
 */
export async function syncAdminRole(
  db: Db,
  user: Pick<User, "id" | "kind" | "email" | "emailVerifiedAt" | "role">,
  adminEmails: ReadonlySet<string>,
): Promise<User["role"]> {
  const role = user.kind === "user" ? roleForEmail(user, adminEmails) : "member";
  if (role !== user.role) await db.update(users).set({ role }).where(eq(users.id, user.id));
  return role;
}

export async function findByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return row;
}

/**
 * Turns the guest `guestId` into an account (or creates one), unverified and a member; null when
 * the email is taken. The password is hashed first either way, so both answers take as long
 * (worker/auth/sign-up.ts answers them alike).
 */
export async function signUp(
  db: Db,
  input: { guestId: string | null; email: string; password: string; displayName?: string },
): Promise<User | null> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  if (await findByEmail(db, email)) return null;
  const now = Date.now();
  const account = {
    kind: "user" as const,
    email,
    passwordHash,
    displayName: input.displayName ?? null,
    role: "member" as const,
    emailVerifiedAt: null,
    lastSeenAt: now,
  };
  const id = input.guestId ?? crypto.randomUUID();
  try {
    const [row] = await db
      .insert(users)
      .values({ id, createdAt: now, ...account })
      .onConflictDoUpdate({ target: users.id, set: account, where: eq(users.kind, "guest") })
      .returning();
    return row ?? null;
  } catch {
    // The unique email index caught a concurrent sign-up with the same address.
    return null;
  }
}

/** The account for these credentials; the same error for an unknown email and a wrong password. */
export async function signIn(
  db: Db,
  email: string,
  password: string,
  adminEmails: ReadonlySet<string> = configuredAdminEmails(),
): Promise<User> {
  const user = await findByEmail(db, email);
  // Hash anyway when the email is unknown, so timing does not reveal which emails exist.
  const valid = await verifyPassword(password, user?.passwordHash ?? "pbkdf2-sha256$100000$AAAA$AAAA");
  if (!user || !valid) throw invalidCredentials("That email and password do not match.");
  return { ...user, role: await syncAdminRole(db, user, adminEmails) };
}

/** Moves a guest's conversations to the account it just signed in to. */
export async function claimGuestConversations(db: Db, guestId: string, userId: string): Promise<void> {
  if (guestId === userId) return;
  const [guest] = await db.select({ kind: users.kind }).from(users).where(eq(users.id, guestId)).limit(1);
  if (guest?.kind !== "guest") return;
  await db.batch([
    db.update(conversations).set({ ownerId: userId }).where(eq(conversations.ownerId, guestId)),
    // What the guest asked for counts as the account's usage from now on.
    db.update(messages).set({ authorId: userId }).where(eq(messages.authorId, guestId)),
  ]);
}

export async function changePassword(db: Db, userId: string, current: string, next: string): Promise<void> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user?.passwordHash || !(await verifyPassword(current, user.passwordHash))) {
    throw invalidCredentials("The current password is not right.");
  }
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(next) })
    .where(eq(users.id, userId));
}

export async function findUser(db: Db, userId: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Refresh tokens
// ---------------------------------------------------------------------------------------------

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Issues a new refresh token (a new family unless `familyId` continues one); returns it raw. */
export async function issueRefreshToken(
  db: Db,
  userId: string,
  familyId = crypto.randomUUID(),
): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await db.insert(refreshTokens).values({
    id: crypto.randomUUID(),
    userId,
    tokenHash: await sha256(token),
    familyId,
    createdAt: now,
    expiresAt: now + REFRESH_TTL_SECONDS * 1000,
    revokedAt: null,
  });
  return token;
}

/**
 * A browser that fires several requests just as its access token expires presents the same
 * refresh token more than once; within this window that is not treated as theft.
 */
const ROTATION_GRACE_MS = 30_000;

/**
 * Exchanges a refresh token for a new one. A token that was already used (after the grace
 * window) means a copy is in someone else's hands: the whole family is revoked and both parties
 * must sign in again. Signing out expires a token instead, so it can never be replayed.
 */
export async function rotateRefreshToken(
  db: Db,
  token: string,
): Promise<{ userId: string; token: string } | null> {
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256(token)))
    .limit(1);
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt <= now) return null;
  if (row.revokedAt !== null && now - row.revokedAt < ROTATION_GRACE_MS) {
    return { userId: row.userId, token: await issueRefreshToken(db, row.userId, row.familyId) };
  }
  if (row.revokedAt !== null) {
    await db
      .update(refreshTokens)
      .set({ revokedAt: now, expiresAt: now })
      .where(eq(refreshTokens.familyId, row.familyId));
    return null;
  }
  const revoked = await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  if (revoked.length === 0) return null;
  return { userId: row.userId, token: await issueRefreshToken(db, row.userId, row.familyId) };
}

/** Ends the session behind `token` (sign out). */
export async function revokeRefreshToken(db: Db, token: string): Promise<void> {
  const now = Date.now();
  await db
    .update(refreshTokens)
    .set({ revokedAt: now, expiresAt: now })
    .where(eq(refreshTokens.tokenHash, await sha256(token)));
}

/** Ends every session of a user (sign out everywhere, password change). */
export async function revokeAllRefreshTokens(db: Db, userId: string): Promise<void> {
  const now = Date.now();
  await db
    .update(refreshTokens)
    .set({ revokedAt: now, expiresAt: now })
    .where(eq(refreshTokens.userId, userId));
}
