/**
 * Confirming an account's email address. Sign-up mails a link at once (worker/auth/sign-up.ts);
 * the app's banner can ask for another (throttled). Following it — signed in to that account —
 * marks the address verified, which is what `ADMIN_EMAILS` waits for. GitHub and Google vouch
 * for the addresses they hand over (worker/auth/oauth.ts), and a password reset proves the same.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/queries";
import { users, type User } from "../db/schema";
import { AppError } from "../errors";
import { findUser } from "./accounts";
import { findEmailToken, issueEmailToken, useEmailToken } from "./email-tokens";
import { sendMail } from "./mail";
import { verifyEmailMail } from "./mail-messages";
import { appLink, linkInvalid, requireLinkOwner, throttleMail } from "./mailed-links";
import type { Identity } from "./session";

/** Mails `user` a link that confirms their current address. */
export async function mailVerificationLink(
  db: Db,
  env: Env,
  user: Pick<User, "id" | "email">,
  base: string,
): Promise<void> {
  if (!user.email) return;
  const token = await issueEmailToken(db, { purpose: "verify_email", userId: user.id, email: user.email });
  await sendMail(env, verifyEmailMail(user.email, appLink(base, "/verify", token)));
}

/** Another confirmation link, when the banner asks; returns the address it went to. */
export async function resendVerification(db: Db, env: Env, userId: string, base: string): Promise<string> {
  const user = await findUser(db, userId);
  if (!user?.email) throw new AppError(401, "unauthorized", "Sign in first.");
  if (user.emailVerifiedAt !== null) {
    throw new AppError(409, "already_verified", "Your email address is already confirmed.");
  }
  await throttleMail(db, user.id, "verify_email");
  await mailVerificationLink(db, env, user, base);
  return user.email;
}

/**
 * Marks the address verified, if it is still the account's address (a link sent before an
 * email change confirms nothing about the new one). Null when it is not.
 */
export async function markEmailVerified(db: Db, userId: string, email: string): Promise<User | null> {
  const [user] = await db
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${Date.now()})` })
    .where(and(eq(users.id, userId), eq(users.email, email)))
    .returning();
  return user ?? null;
}

/** The signed-in owner follows the confirmation link. */
export async function verifyEmail(db: Db, identity: Identity, token: string): Promise<User> {
  const pending = await findEmailToken(db, "verify_email", token);
  if (!pending) throw linkInvalid();
  // Checked before the token is used, so a wrong browser does not spend it.
  requireLinkOwner(identity, pending.userId);
  const used = await useEmailToken(db, "verify_email", token);
  const user = used ? await markEmailVerified(db, used.userId, used.email) : null;
  if (!user) throw linkInvalid();
  return user;
}
