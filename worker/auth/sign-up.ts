/**
 * Sign-up answers the same whether or not the address already has an account, so it cannot be
 * used to find out who uses Parley: the same status and body, the password hashed either way, and
 * a mail either way, sent after the answer. A new address gets its account (signed in at once)
 * and a confirmation link; the owner of a taken one is told someone tried, with a way to sign in
 * or choose a new password. What still differs is the session that follows (docs/security.md).
 */
import type { Db } from "../db/queries";
import type { User } from "../db/schema";
import { findByEmail } from "./accounts";
import { mailWaitMs } from "./email-tokens";
import { mailVerificationLink } from "./email-verification";
import { sendMail } from "./mail";
import { accountExistsMail } from "./mail-messages";
import { issueResetLink } from "./password-reset";

/** The mail a sign-up causes: a confirmation link for a new account, a note for an existing one. */
export async function mailAfterSignUp(
  db: Db,
  env: Env,
  created: User | null,
  email: string,
  base: string,
): Promise<void> {
  if (created) {
    await mailVerificationLink(db, env, created, base);
    return;
  }
  const owner = await findByEmail(db, email);
  if (owner?.kind !== "user" || !owner.email) return;
  // Counted with the reset mails it carries a link for: no one can flood an inbox this way.
  if ((await mailWaitMs(db, owner.id, "reset_password")) > 0) return;
  const reset = await issueResetLink(db, owner, base);
  if (reset) await sendMail(env, accountExistsMail(owner.email, { signIn: `${base}/?auth=signin`, reset }));
}
