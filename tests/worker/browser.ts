// A cookie jar for one browser in the worker tests: it sends what it holds and keeps whatever
// the worker sets, so a test can follow sessions the way a browser does.
import { workerFetch } from "./helpers";

export const PASSWORD = "correct horse battery";

export interface SessionUser {
  id: string;
  kind: "guest" | "user";
  email: string | null;
  role: "member" | "admin";
  emailVerified: boolean;
}

export class Browser {
  private jar = new Map<string, string>();

  /** `initial`: a cookie header value to start with (`name=value`). */
  constructor(initial?: string) {
    if (initial) this.absorb([initial]);
  }

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  value(name: string): string | undefined {
    return this.jar.get(name);
  }

  drop(name: string): void {
    this.jar.delete(name);
  }

  private absorb(setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = "", ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => a.trim() === "Max-Age=0") || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
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
    this.absorb(response.headers.getSetCookie());
    return response;
  }

  post(path: string, json?: unknown): Promise<Response> {
    return this.fetch(path, { method: "POST", ...(json === undefined ? {} : { json }) });
  }

  async me(): Promise<SessionUser> {
    return (await (await this.fetch("/api/v1/session")).json<{ user: SessionUser }>()).user;
  }

  async conversations(): Promise<string[]> {
    const response = await this.fetch("/api/v1/conversations");
    return (await response.json<{ conversations: Array<{ id: string }> }>()).conversations.map((c) => c.id);
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
