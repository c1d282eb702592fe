/**
 * One guest per browser: a first visit has no cookie yet, and the app fires several requests at
 * once (who am I, the models, the chats, the sidebar's socket, a chat's room). Only one of them
 * may mint the guest identity; the rest wait for it, so the browser ends as the guest it started
 * as, and nothing it did in its first second belongs to a guest it no longer is.
 */
import { type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SESSION = "parley_session=";

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The guest id inside a session cookie's JWT. */
function guestId(cookie: string): string {
  const payload = cookie.split(".")[1] ?? "";
  return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub: string }).sub;
}

async function firstVisit(path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cookieless: string[] = [];
  const minted: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/api/")) return;
    void request.allHeaders().then((headers) => {
      if (!(headers.cookie ?? "").includes(SESSION)) cookieless.push(`${request.method()} ${url.pathname}`);
    });
  });
  page.on("response", (response) => {
    void response.headersArray().then((headers) => {
      for (const { name, value } of headers) {
        if (name.toLowerCase() === "set-cookie" && value.startsWith(SESSION)) {
          minted.push(value.slice(SESSION.length).split(";")[0]!);
        }
      }
    });
  });
  await page.goto(`${server.url}${path}`);
  await page.getByRole("textbox", { name: "Message" }).waitFor();
  // Let the first burst (and any socket retry) settle.
  await page.waitForTimeout(3_000);
  const cookie = (await context.cookies()).find((c) => c.name === "parley_session")?.value ?? "";
  const saved = await page.evaluate(() => localStorage.getItem("parley:session"));
  const session = await page.evaluate(async () => (await (await fetch("/api/v1/session")).json()) as unknown);
  await context.close();
  return { cookieless, minted, cookie, saved: JSON.parse(saved ?? "null") as { id: string } | null, session };
}

describe("a first visit", () => {
  it.each(["/", `/c/${"0".repeat(8)}-0000-4000-8000-000000000000`])(
    "to %s mints one guest, before any other API call",
    async (path) => {
      const visit = await firstVisit(path);
      // Exactly one request went out without a cookie, and one identity was minted.
      expect(visit.cookieless).toHaveLength(1);
      expect(new Set(visit.minted.map(guestId)).size).toBe(1);
      // The browser kept that guest: its cookie, what the app remembers, and what the server says.
      expect(guestId(visit.cookie)).toBe(guestId(visit.minted[0]!));
      expect(visit.saved?.id).toBe(guestId(visit.minted[0]!));
      expect(visit.session).toMatchObject({ user: { id: guestId(visit.minted[0]!), kind: "guest" } });
    },
  );
});
