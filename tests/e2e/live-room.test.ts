/**
 * A conversation is a live room: two windows of the same guest see one stream, a reload mid-stream
 * loses and duplicates nothing, Stop from any window stops everyone, and another guest sees nothing.
 * Runs against `vite dev` (tests/e2e/server.ts) with the keyless demo provider at a slow pace
 * (DEMO_TOKEN_DELAY_MS=30) so each answer streams for a few seconds.
 */
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const DEMO_MODEL = "parley-demo";

// The API shapes this test reads (kept local: tests/e2e is type-checked on its own).
const storedMessage = z.object({
  id: z.string(),
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
  status: z.enum(["streaming", "complete", "stopped", "interrupted", "error"]),
});
const conversationDetail = z.object({
  conversation: z.object({ id: z.string(), title: z.string() }),
  messages: z.array(storedMessage),
});

/**
 * Installed before the app loads: records the page's WebSockets, the frames it sends and the type
 * of each socket's first frame, and can swallow incoming delta frames (to force a gap in the offsets).
 */
const SOCKET_TAP = `(() => {
  const Native = window.WebSocket;
  const tap = { sockets: [], madeBy: [], sent: [], firstFrames: [], dropDeltas: 0, dropped: 0 };
  window.__parleyTap = tap;
  class Tapped extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      tap.sockets.push(this);
      // A classic script (the page's early room socket) is document.currentScript; app code is not.
      tap.madeBy.push(document.currentScript ? document.currentScript.src : null);
      let first = true;
      super.addEventListener("message", (event) => {
        if (first && typeof event.data === "string") tap.firstFrames.push({ url: String(url), type: JSON.parse(event.data).type });
        first = false;
      });
    }
    send(data) {
      tap.sent.push(String(data));
      return super.send(data);
    }
    addEventListener(type, listener, options) {
      if (type !== "message" || typeof listener !== "function") return super.addEventListener(type, listener, options);
      return super.addEventListener(type, (event) => {
        if (tap.dropDeltas > 0 && typeof event.data === "string" && event.data.includes('"type":"delta"')) {
          tap.dropDeltas--;
          tap.dropped++;
          return;
        }
        listener.call(this, event);
      }, options);
    }
  }
  window.WebSocket = Tapped;
})();`;

declare global {
  interface Window {
    __parleyTap?: {
      sockets: WebSocket[];
      madeBy: Array<string | null>;
      sent: string[];
      firstFrames: Array<{ url: string; type: string }>;
      dropDeltas: number;
      dropped: number;
    };
  }
}

let server: DevServer;
let browser: Browser;
let owner: BrowserContext;
let pageA: Page;
let pageB: Page;
let conversationId = "";
const anomalies: string[] = [];

function watchConsole(page: Page, name: string) {
  page.on("console", (message) => {
    // The room logs protocol anomalies (a text longer than the server's, an invalid frame) as "parley: …".
    if (message.text().startsWith("parley:")) anomalies.push(`${name}: ${message.text()}`);
  });
  page.on("pageerror", (error) => anomalies.push(`${name}: page error ${error.message}`));
}

const assistantSelector = (id?: string) =>
  id ? `[data-testid="assistant-message"][data-message-id="${id}"]` : `[data-testid="assistant-message"]`;

async function messageState(page: Page, id: string): Promise<{ status: string | null; text: string } | null> {
  return page.evaluate((selector) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    // The raw markdown (the rendered DOM drops the syntax): kept in a data attribute for this.
    const text = element.querySelector('[data-testid="message-text"]')?.getAttribute("data-raw") ?? "";
    return { status: element.getAttribute("data-status"), text };
  }, assistantSelector(id));
}

async function waitForStatus(page: Page, id: string, status: string, timeout = 60_000) {
  await page.locator(`${assistantSelector(id)}[data-status="${status}"]`).waitFor({ timeout });
}

/** Picks a model in the composer's model picker (a popover listbox). */
async function chooseModel(page: Page, id: string) {
  await page.getByTestId("model-picker").click();
  await page.locator(`[role="option"][id="model-option-${id}"]`).click();
  await page.locator(`[role="option"][id="model-option-${id}"]`).waitFor({ state: "detached" });
}

/** Sends a prompt from the composer and returns the id of the assistant message it starts. */
async function sendPrompt(page: Page, prompt: string): Promise<string> {
  // Count the answers only once the room's snapshot is on screen.
  await page.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
  const before = await page.locator(assistantSelector()).count();
  // Always the keyless demo model: tests never reach a real provider, even with keys in .dev.vars.
  await chooseModel(page, DEMO_MODEL);
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await page.getByRole("button", { name: "Send" }).waitFor();
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  const answer = page.locator(assistantSelector()).nth(before);
  await answer.waitFor({ timeout: 20_000 });
  const id = await answer.getAttribute("data-message-id");
  if (!id) throw new Error("assistant message without data-message-id");
  return id;
}

/** Samples a message's text until it leaves `streaming`; every sample must be a prefix of the end. */
async function sampleUntilDone(page: Page, id: string, intervalMs = 60) {
  const samples: { status: string | null; text: string }[] = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await messageState(page, id);
    if (state) samples.push(state);
    if (state && state.status !== "streaming") break;
    if (Date.now() > deadline) throw new Error(`message ${id} still streaming after 60 s`);
    await page.waitForTimeout(intervalMs);
  }
  return samples;
}

async function fetchConversation(context: BrowserContext, id: string) {
  const response = await context.request.get(`${server.url}/api/v1/conversations/${id}`);
  return {
    status: response.status(),
    body: response.ok() ? conversationDetail.parse(await response.json()) : null,
  };
}

async function storedAnswer(id: string) {
  const { body } = await fetchConversation(owner, conversationId);
  const message = body?.messages.find((m) => m.id === id);
  if (!message) throw new Error(`message ${id} not in GET /api/v1/conversations/${conversationId}`);
  return message;
}

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium(["--disable-quic", "--disable-component-update", "--disable-sync"]);
  owner = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  pageA = await owner.newPage();
  pageB = await owner.newPage();
  watchConsole(pageA, "A");
  watchConsole(pageB, "B");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("live room", () => {
  it("(a) a second window of the same guest shows the stream live; both end with the same text", async () => {
    await pageA.goto(`${server.url}/`);
    const answerId = await sendPrompt(pageA, "Show me a short TypeScript example, please.");
    await pageA.waitForURL(/\/c\/[^/]+$/);
    conversationId = decodeURIComponent(new URL(pageA.url()).pathname.split("/").pop() ?? "");
    expect(conversationId).not.toBe("");

    // Only join once the answer is under way, so B starts from a snapshot of a streaming message.
    await expect
      .poll(async () => (await messageState(pageA, answerId))?.text.length ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
    await pageB.goto(`${server.url}/c/${conversationId}`);
    await pageB.locator(assistantSelector(answerId)).waitFor({ timeout: 20_000 });

    const samples = await sampleUntilDone(pageB, answerId);
    await waitForStatus(pageA, answerId, "complete");
    const finalA = (await messageState(pageA, answerId))?.text ?? "";
    const finalB = (await messageState(pageB, answerId))?.text ?? "";

    const growing = new Set(
      samples.filter((s) => s.status === "streaming" && s.text.length > 0).map((s) => s.text.length),
    );
    expect(growing.size, "B should see the partial text grow while it streams").toBeGreaterThanOrEqual(3);
    for (const sample of samples) expect(finalB.startsWith(sample.text)).toBe(true);
    expect(samples.at(-1)?.status).toBe("complete");
    expect(finalA.length).toBeGreaterThan(100);
    expect(finalB).toBe(finalA);

    const stored = await storedAnswer(answerId);
    expect(stored.status).toBe("complete");
    expect(stored.content).toBe(finalA);

    // The presence count reaches both windows.
    await expect.poll(() => pageB.getByTestId("viewers").textContent(), { timeout: 10_000 }).toContain("2");
  });

  it("(b) reloading a window mid-stream ends with the full answer exactly once", async () => {
    const answerId = await sendPrompt(pageA, "Tell me about live rooms once more.");
    await expect
      .poll(async () => (await messageState(pageA, answerId))?.text.length ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(40);
    const beforeReload = (await messageState(pageA, answerId))?.text ?? "";
    expect((await messageState(pageA, answerId))?.status).toBe("streaming");

    await pageA.addInitScript(SOCKET_TAP);
    await pageA.reload();
    await pageA.locator(assistantSelector(answerId)).waitFor({ timeout: 20_000 });
    // The page opened the room's socket before its code ran, and the app took that one over:
    // one socket to the room, made by room-early.js (what it heard before was replayed).
    const roomSockets = await pageA.evaluate(() => {
      const tap = window.__parleyTap!;
      return tap.sockets
        .map((socket, index) => ({ url: socket.url, madeBy: tap.madeBy[index] }))
        .filter((socket) => socket.url.includes("/parties/conversation/"));
    });
    expect(roomSockets).toHaveLength(1);
    expect(roomSockets[0]?.madeBy).toMatch(/\/room-early\.js$/);
    const samples = await sampleUntilDone(pageA, answerId);
    await waitForStatus(pageB, answerId, "complete");

    const finalA = (await messageState(pageA, answerId))?.text ?? "";
    const finalB = (await messageState(pageB, answerId))?.text ?? "";
    const stored = await storedAnswer(answerId);
    expect(
      samples.some((s) => s.status === "streaming"),
      "the reload should land mid-stream",
    ).toBe(true);
    expect(finalA.startsWith(beforeReload)).toBe(true);
    for (const sample of samples) expect(finalA.startsWith(sample.text)).toBe(true);
    expect(finalA).toBe(finalB);
    expect(stored.content).toBe(finalA);
    expect(stored.status).toBe("complete");

    // Exactly one copy of each message in both windows, as stored.
    const { body } = await fetchConversation(owner, conversationId);
    const storedIds = body?.messages.filter((m) => m.role === "assistant").map((m) => m.id);
    const idsIn = (page: Page) =>
      page.$$eval(assistantSelector(), (elements) => elements.map((e) => e.getAttribute("data-message-id")));
    expect(await idsIn(pageA)).toEqual(storedIds);
    expect(await idsIn(pageB)).toEqual(storedIds);
  });

  it("(c) Stop in one window stops the generation for every window", async () => {
    const answerId = await sendPrompt(pageA, "Write a long answer that I will stop.");
    await pageB.locator(assistantSelector(answerId)).waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => (await messageState(pageB, answerId))?.text.length ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(20);

    await pageB.getByRole("button", { name: "Stop" }).click();
    await waitForStatus(pageA, answerId, "stopped", 15_000);
    await waitForStatus(pageB, answerId, "stopped", 15_000);

    const stoppedText = (await messageState(pageA, answerId))?.text ?? "";
    await pageA.waitForTimeout(1_000);
    expect((await messageState(pageA, answerId))?.text).toBe(stoppedText);
    expect((await messageState(pageB, answerId))?.text).toBe(stoppedText);
    await expect(pageA.getByTestId("message-status").last().textContent()).resolves.toContain("Stopped");

    const stored = await storedAnswer(answerId);
    expect(stored.status).toBe("stopped");
    expect(stored.content).toBe(stoppedText);
    // The composer is back to Send in both windows.
    await pageA.getByRole("button", { name: "Send" }).waitFor({ timeout: 5_000 });
    await pageB.getByRole("button", { name: "Send" }).waitFor({ timeout: 5_000 });
  });

  it("(e) a missed frame and a dropped connection are both resumed, without loss or duplicates", async () => {
    const page = await owner.newPage();
    watchConsole(page, "E");
    try {
      await page.addInitScript(SOCKET_TAP);
      await page.goto(`${server.url}/c/${conversationId}`);
      await page.getByRole("button", { name: "Send" }).waitFor({ timeout: 20_000 });
      const answerId = await sendPrompt(page, "Stream once more; I will drop frames.");
      await expect
        .poll(async () => (await messageState(page, answerId))?.text.length ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(30);

      // Swallow three delta frames: the next one shows a gap, so the client asks to resume.
      await page.evaluate(() => (window.__parleyTap!.dropDeltas = 3));
      await expect.poll(() => page.evaluate(() => window.__parleyTap!.dropped), { timeout: 10_000 }).toBe(3);
      await expect
        .poll(
          () => page.evaluate(() => window.__parleyTap!.sent.filter((f) => f.includes('"resume"')).length),
          {
            timeout: 10_000,
          },
        )
        .toBeGreaterThan(0);

      // Cut the socket mid-stream: PartySocket reconnects with ?resume=<id>&offset=<n>.
      expect((await messageState(page, answerId))?.status).toBe("streaming");
      await page.evaluate(() => {
        for (const socket of window.__parleyTap!.sockets)
          if (socket.url.includes("/parties/")) socket.close();
      });
      const samples = await sampleUntilDone(page, answerId);
      const urls = await page.evaluate(() => window.__parleyTap!.sockets.map((socket) => socket.url));
      expect(urls.some((url) => url.includes(`resume=${answerId}`))).toBe(true);

      const final = (await messageState(page, answerId))?.text ?? "";
      for (const sample of samples) expect(final.startsWith(sample.text)).toBe(true);
      const stored = await storedAnswer(answerId);
      expect(stored.status).toBe("complete");
      expect(final).toBe(stored.content);
      await waitForStatus(pageA, answerId, "complete");
      expect((await messageState(pageA, answerId))?.text).toBe(final);
    } finally {
      await page.close();
    }
  });

  it("(f) a connection dropped mid-stream gets back only the text it missed, not a snapshot", async () => {
    const page = await owner.newPage();
    watchConsole(page, "F");
    try {
      await page.addInitScript(SOCKET_TAP);
      await page.goto(`${server.url}/c/${conversationId}`);
      const answerId = await sendPrompt(page, "Stream again; I will drop the connection.");
      await expect
        .poll(async () => (await messageState(page, answerId))?.text.length ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(30);
      await page.evaluate(() => {
        for (const socket of window.__parleyTap!.sockets)
          if (socket.url.includes("/parties/conversation/")) socket.close();
      });
      const samples = await sampleUntilDone(page, answerId);

      // The reconnect quoted the room version and got `resumed`: the list was never sent again.
      const rooms = await page.evaluate(() =>
        window.__parleyTap!.firstFrames.filter((frame) => frame.url.includes("/parties/conversation/")),
      );
      expect(rooms.map((frame) => frame.type)).toEqual(["snapshot", "resumed"]);
      expect(rooms[1]!.url).toMatch(new RegExp(`resume=${answerId}.*version=`));
      const final = (await messageState(page, answerId))?.text ?? "";
      for (const sample of samples) expect(final.startsWith(sample.text)).toBe(true);
      expect(final).toBe((await storedAnswer(answerId)).content);
    } finally {
      await page.close();
    }
  });

  it("(d) another guest cannot open the conversation", async () => {
    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await stranger.newPage();
      await page.goto(`${server.url}/c/${conversationId}`);
      await page.getByTestId("not-found").waitFor({ timeout: 20_000 });
      expect(await page.locator(assistantSelector()).count()).toBe(0);
      expect((await fetchConversation(stranger, conversationId)).status).toBe(404);
      const list = await stranger.request.get(`${server.url}/api/v1/conversations`);
      expect(JSON.stringify(await list.json())).not.toContain(conversationId);
    } finally {
      await stranger.close();
    }
  });

  it("logged no protocol anomalies", () => {
    expect(anomalies).toEqual([]);
  });
});
