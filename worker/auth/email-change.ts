/**
 * Moving an account to another address. Asking needs the current password (accounts that have
 * one) and mails a link to the *new* address; nothing changes until it is followed, signed in to
 * the same account. Then the old address is told. An address that already has an account gets a
 * note instead of a link, and the requester the same answer, so this does not reveal who has an
 * account either.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { users, type User } from "../db/schema";
import { AppError } from "../errors";
import { findByEmail, findUser, normalizeEmail } from "./accounts";
import { findEmailToken, issueEmailToken, useEmailToken } from "./email-tokens";
import { sendMail } from "./mail";
import { addressTakenMail, changeEmailMail, emailChangedMail } from "./mail-messages";
import { appLink, linkInvalid, requireLinkOwner, throttleMail } from "./mailed-links";
import { verifyPassword } from "./password";
import type { Identity } from "./session";

/** Mails the confirmation link to the new address; returns that address. */
export async function requestEmailChange(
  db: Db,
  env: Env,
  userId: string,
  input: { email: string; currentPassword?: string | undefined },
  base: string,
): Promise<string> {
  const user = await findUser(db, userId);
  if (user?.kind !== "user" || !user.email) throw new AppError(401, "unauthorized", "Sign in first.");
  if (user.passwordHash !== null) {
    const valid = input.currentPassword
      ? await verifyPassword(input.currentPassword, user.passwordHash)
      : false;
    if (!valid) throw new AppError(401, "invalid_credentials", "The current password is not right.");
  }
  const next = normalizeEmail(input.email);
  if (next === user.email) throw new AppError(400, "same_email", "That is already your email address.");
  await throttleMail(db, user.id, "change_email");
  // Issued whatever the address, so both cases do the same work; a taken address never gets it.
  const token = await issueEmailToken(db, { purpose: "change_email", userId: user.id, email: next });
  const taken = await findByEmail(db, next);
  await sendMail(
    env,
    taken ? addressTakenMail(next) : changeEmailMail(next, appLink(base, "/email", token), user.email),
  );
  return next;
}

/** The signed-in owner follows the link sent to the new address. */
export async function confirmEmailChange(db: Db, env: Env, identity: Identity, token: string): Promise<User> {
  const pending = await findEmailToken(db, "change_email", token);
  if (!pending) throw linkInvalid();
  requireLinkOwner(identity, pending.userId);
  const used = await useEmailToken(db, "change_email", token);
  const before = used ? await findUser(db, used.userId) : undefined;
  if (!used || !before?.email) throw linkInvalid();
  let changed: User | undefined;
  try {
    [changed] = await db
      .update(users)
      .set({ email: used.email, emailVerifiedAt: Date.now() })
      .where(eq(users.id, used.userId))
      .returning();
  } catch {
    // The unique index: someone signed up with that address since the link was sent.
    throw new AppError(409, "email_taken", "Another account uses that address now.");
  }
  if (!changed) throw linkInvalid();
  // The change stands even if this note cannot be sent (sendMail logs why).
  await sendMail(env, emailChangedMail(before.email, used.email)).catch(() => undefined);
  return changed;
}
