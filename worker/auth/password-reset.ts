/**
 * "Forgot password": a single-use link, valid for 30 minutes, mailed to the account's address.
 * Asking answers the same whether or not the address has an account (the route sends the mail
 * after answering). Using the link sets the new password, confirms the address (the link reached
 * it), and ends every other session of the account; the route then signs this browser in.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/queries";
import { users, type User } from "../db/schema";
import { findByEmail } from "./accounts";
import { issueEmailToken, mailWaitMs, useEmailToken } from "./email-tokens";
import { endOtherSessions } from "./end-sessions";
import { sendMail } from "./mail";
import { resetPasswordMail } from "./mail-messages";
import { appLink, linkInvalid } from "./mailed-links";
import { hashPassword } from "./password";

/** A new reset link for `userId` (voiding older ones), for the mails that carry one. */
export async function issueResetLink(db: Db, user: Pick<User, "id" | "email">, base: string) {
  if (!user.email) return null;
  const token = await issueEmailToken(db, { purpose: "reset_password", userId: user.id, email: user.email });
  return appLink(base, "/reset", token);
}

/**
 * Mails a reset link to the account with `email`, if there is one and it has not had its share
 * of reset mails; silently does nothing otherwise (the requester learns nothing either way).
 */
export async function requestPasswordReset(db: Db, env: Env, email: string, base: string): Promise<void> {
  const user = await findByEmail(db, email);
  if (user?.kind !== "user" || !user.email) return;
  if ((await mailWaitMs(db, user.id, "reset_password")) > 0) return;
  const link = await issueResetLink(db, user, base);
  if (link) await sendMail(env, resetPasswordMail(user.email, link));
}

/** Uses the link: the new password, a verified address, and every other session ended. */
export async function resetPassword(env: Env, db: Db, token: string, newPassword: string): Promise<User> {
  const used = await useEmailToken(db, "reset_password", token);
  if (!used) throw linkInvalid();
  const [user] = await db
    .update(users)
    .set({
      passwordHash: await hashPassword(newPassword),
      emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${Date.now()})`,
    })
    // Only while the address the link went to is still the account's.
    .where(and(eq(users.id, used.userId), eq(users.email, used.email)))
    .returning();
  if (!user) throw linkInvalid();
  await endOtherSessions(env, db, user.id);
  return user;
}
