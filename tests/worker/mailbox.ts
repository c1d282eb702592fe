/**
 * For the account-mail tests: the fake mail API's outbox (tests/fake-upstream/mail.ts), where the
 * worker's mail lands (MAIL_API_URL in vitest.config.ts), and the browser of ./browser.ts.
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";
export { Browser, PASSWORD, type SessionUser } from "./browser";

let counter = 0;
export const uniqueEmail = (prefix = "person") =>
  `${prefix}-${Date.now().toString(36)}${counter++}-${crypto.randomUUID().slice(0, 4)}@example.com`;

export interface SentMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Everything the fake mail API received for `to`, oldest first. */
export async function mailsTo(to: string): Promise<SentMail[]> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/mail/outbox?to=${encodeURIComponent(to)}`);
  return (await response.json<{ messages: SentMail[] }>()).messages;
}

/**
 * Waits for mail number `count` to `to` (some mail is sent after the worker answered) and returns
 * it.
 */
export async function nthMailTo(to: string, count = 1): Promise<SentMail> {
  return vi.waitFor(
    async () => {
      const mails = await mailsTo(to);
      const mail = mails[count - 1];
      if (!mail) throw new Error(`mail #${count} to ${to} has not arrived (${mails.length} so far)`);
      return mail;
    },
    { timeout: 5_000, interval: 20 },
  );
}

/** The token in the link to the app's `page` that a mail carries (its text and its HTML agree). */
export function tokenIn(mail: SentMail, page: "/verify" | "/reset" | "/email"): string {
  const match = new RegExp(`http://localhost${page}\\?token=([A-Za-z0-9_%-]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${page} link in "${mail.subject}":\n${mail.text}`);
  if (!mail.html.includes(match[0])) throw new Error(`the HTML of "${mail.subject}" has another link`);
  return decodeURIComponent(match[1]);
}

export async function errorCode(response: Response): Promise<string> {
  return (await response.json<{ error: { code: string } }>()).error.code;
}
