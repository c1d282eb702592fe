/**
 * What every mailed link shares: where it points, the answer for one that no longer works, who
 * may use it, and the throttle on sending them (worker/auth/email-tokens.ts).
 */
import { getConfig } from "../env";
import { AppError } from "../errors";
import type { Db } from "../db/queries";
import type { EmailTokenPurpose } from "../db/schema";
import { mailWaitMs } from "./email-tokens";
import type { MailSent } from "#protocol/http";
import type { Identity } from "./session";

/**
 * The app's address for links: `APP_URL` when set, else the origin of the request that caused
 * the mail (on Cloudflare, a host that routes to this worker).
 */
export function appBase(env: Env, requestUrl: string): string {
  return (getConfig(env).APP_URL ?? new URL(requestUrl).origin).replace(/\/+$/, "");
}

/** A page of the app carrying `token`; the page posts it to the API (opening it changes nothing). */
export function appLink(base: string, page: "/verify" | "/reset" | "/email", token: string): string {
  return `${base}${page}?token=${encodeURIComponent(token)}`;
}

/** The answer of a request that mailed a link (the same whether or not the address has an account). */
export function mailSent(email: string): MailSent {
  return { email, message: `We sent an email to ${email}. Open the link in it to continue.` };
}

export function linkInvalid(): AppError {
  return new AppError(400, "link_invalid", "This link has expired or was already used. Ask for a new one.");
}

/**
 * Links that confirm an address work only in a browser signed in to the account they were sent
 * for: a link reaching a mailbox is not enough to attach that address to someone else's account
 * (an attacker who signed up with your address cannot get it verified by you clicking the link).
 */
export function requireLinkOwner(identity: Identity, userId: string): void {
  if (identity.kind !== "user") {
    throw new AppError(
      401,
      "sign_in_required",
      "Sign in to the account this link was sent for, then open it again.",
    );
  }
  if (identity.userId !== userId) {
    throw new AppError(
      403,
      "wrong_account",
      "This link was sent for another Parley account. Sign out, then sign in to that account.",
    );
  }
}

function inWords(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes <= 1) return "in a minute";
  if (minutes < 60) return `in ${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours <= 1 ? "in an hour" : `in ${hours} hours`;
}

/** Refuses (429 `mail_throttled`) when this account had its share of mails of this kind. */
export async function throttleMail(db: Db, userId: string, purpose: EmailTokenPurpose): Promise<void> {
  const wait = await mailWaitMs(db, userId, purpose);
  if (wait > 0) {
    throw new AppError(
      429,
      "mail_throttled",
      wait <= 60_000
        ? "We sent you an email a moment ago. You can ask for another one in a minute."
        : `That was a lot of emails for one day. You can ask for another one ${inWords(wait)}.`,
      { retryAfterMs: wait },
    );
  }
}
