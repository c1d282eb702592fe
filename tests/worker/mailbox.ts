/**
 * For the account-mail tests: a browser with a cookie jar, and the fake mail API's outbox
 * (tests/fake-upstream/mail.ts) where the worker's mail lands (MAIL_API_URL in vitest.config.ts).
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { workerFetch } from "./helpers";

export const PASSWORD = "correct horse battery";

let counter = 0;
export const uniqueEmail = (prefix = "person") =>
  `${prefix}-${Date.now().toString(36)}${counter++}-${crypto.randomUUID().slice(0, 4)}@example.com`;

export interface SessionUser {
  id: string;
  kind: "guest" | "user";
  email: string | null;
  role: "member" | "admin";
  emailVerified: boolean;
}

/** One browser: keeps whatever cookies the worker sets. */
export class Browser {
  private jar = new Map<string, string>();

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  value(name: string): string | undefined {
    return this.jar.get(name);
  }

  drop(name: string): void {
    this.jar.delete(name);
  }

  async fetch(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set("cookie", this.cookie);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const response = await workerFetch(path, {
      ...init,
      headers,
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || header.includes("Max-Age=0")) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  post(path: string, json?: unknown): Promise<Response> {
    return this.fetch(path, { method: "POST", ...(json === undefined ? {} : { json }) });
  }

  async me(): Promise<SessionUser> {
    return (await (await this.fetch("/api/v1/session")).json<{ user: SessionUser }>()).user;
  }

  /** A guest browser with a session cookie. */
  static async guest(): Promise<Browser> {
    const browser = new Browser();
    await browser.me();
    return browser;
  }

  /** A browser that just signed up (and so is signed in) as `email`. */
  static async signedUp(email: string, password = PASSWORD): Promise<Browser> {
    const browser = await Browser.guest();
    const response = await browser.post("/api/v1/auth/signup", { email, password });
    if (response.status !== 200) throw new Error(`sign-up failed: ${response.status}`);
    return browser;
  }
}

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
