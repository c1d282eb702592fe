/**
 * The cap on open sockets, in Chromium against `vite dev` (tests/e2e/server.ts) with the caps
 * lowered to 2 per person on a room and 2 on the hub: a tab over both caps says that Parley is
 * open in too many tabs (in place of the conversation, and in a toast for the chat list) instead
 * of retrying; once other sockets are closed, a reload brings the conversation back.
 */
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

/** Under `vite dev` a close the server starts can reach the browser about 10 s late. */
const ROOM_CLOSE_MS = 30_000;
const CAP = 2;

/** Records the sockets the page opens: their path, and whether a frame came on them. */
const SOCKET_COUNTER = `(() => {
  const Native = window.WebSocket;
  window.__opened = [];
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const record = { path: new URL(String(url)).pathname, answered: false };
      window.__opened.push(record);
      super.addEventListener("message", () => (record.answered = true));
    }
  };
})();`;

declare global {
  interface Window {
    __opened?: Array<{ path: string; answered: boolean }>;
    __held?: WebSocket[];
  }
}

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startDevServer({
    env: { ROOM_SOCKETS_PER_USER: String(CAP), HUB_SOCKETS_PER_USER: String(CAP) },
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(SOCKET_COUNTER);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens `count` sockets to `path` from `page` and waits for each one's first frame. */
async function holdSockets(page: Page, path: string, count: number): Promise<void> {
  await page.evaluate(
    async ({ path, count }) => {
      window.__held ??= [];
      for (let i = 0; i < count; i++) {
        const socket = new WebSocket(`ws://${location.host}${path}`);
        await new Promise((resolve, reject) => {
          socket.addEventListener("message", resolve, { once: true });
          socket.addEventListener("close", (event) => reject(new Error(`closed: ${event.code}`)));
        });
        window.__held.push(socket);
      }
    },
    { path, count },
  );
}

/** Closes the first held socket to `path` and waits until the server has answered the close. */
async function releaseSocket(page: Page, path: string): Promise<void> {
  await page.evaluate(async (path) => {
    const socket = window.__held!.find((s) => new URL(s.url).pathname === path && s.readyState === 1)!;
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
    socket.close(1000, "done");
    await closed;
  }, path);
}

describe("too many sockets", () => {
  it("a tab over the caps says Parley is open in too many tabs, and does not retry", async () => {
    // Another tab of the same person (same cookies) holds the places: the app on its start
    // screen (its hub socket), plus sockets of its own.
    const holder = await context.newPage();
    holder.on("pageerror", (error) => pageErrors.push(`holder: ${error.message}`));
    await holder.goto(`${server.url}/`);
    await expect
      .poll(
        () => holder.evaluate(() => window.__opened?.some((s) => s.path === "/parties/hub" && s.answered)),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    const conversationId = await holder.evaluate(async () => {
      const response = await fetch("/api/v1/conversations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      const body = (await response.json()) as { conversation: { id: string } };
      return body.conversation.id;
    });
    const roomPath = `/parties/conversation/${conversationId}`;
    await holdSockets(holder, roomPath, CAP);
    await holdSockets(holder, "/parties/hub", CAP - 1);

    const tab = await context.newPage();
    tab.on("pageerror", (error) => pageErrors.push(`tab: ${error.message}`));
    await tab.goto(`${server.url}/c/${conversationId}`);

    const notice = tab.getByTestId("too-many-tabs");
    await notice.waitFor({ timeout: ROOM_CLOSE_MS });
    expect(await notice.textContent()).toContain("Parley is open in too many tabs for this conversation.");
    expect(await notice.textContent()).toContain("reload");
    const toast = tab.getByText(
      "Parley is open in too many tabs, so this one's chat list no longer updates.",
      {
        exact: false,
      },
    );
    await toast.waitFor({ timeout: ROOM_CLOSE_MS });
    // One socket each, turned away; none opened again after the close.
    const opened = await tab.evaluate(() => window.__opened ?? []);
    expect(opened.filter((s) => s.path === roomPath)).toHaveLength(1);
    expect(opened.filter((s) => s.path === "/parties/hub")).toHaveLength(1);

    // With a place free on each, a reload brings the conversation back.
    await releaseSocket(holder, roomPath);
    await releaseSocket(holder, "/parties/hub");
    await tab.reload();
    await tab.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    expect(await tab.getByTestId("too-many-tabs").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
