/**
 * Accounts: email + password sign-up and sign-in (sessions and refresh tokens: sessions.ts). A
 * guest who signs up becomes the account in place (same id), so every chat made as a guest is
 * simply still theirs; a guest who signs in to an existing account hands its chats over to it.
 * Either way the guest identity ends there (sessions.ts `endGuest`).
 *
 * The admin role follows the `ADMIN_EMAILS` setting, for verified addresses only (anyone can type
 * an address at sign-up; only its owner can follow a link mailed to it, worker/auth/
 * email-verification.ts). It is granted at sign-in, and the session middleware keeps it in step
 * on every request (`syncAdminRole`), so removing an email from the list takes the role away
 * without waiting for that person to sign in again.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getConfig } from "../env";
import type { Db } from "../db/queries";
import { conversations, messages, users, type User } from "../db/schema";
import { hashPassword, verifyPassword } from "./password";
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
