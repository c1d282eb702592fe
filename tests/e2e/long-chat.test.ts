/**
 * A 500-message chat in the virtualized log (web/src/components/Messages.tsx, the path of chats
 * longer than 30 rows): it opens at its bottom with only the rows on screen in the DOM; older
 * messages arriving in front, rows above measured for the first time and an answer streaming in
 * from another client do not move what you read;
 * "Jump to latest" brings that answer into view and follows it to its end.
 *
 * The chat is seeded in one call of the compatible API with a personal token (an API call without
 * a conversation stores its earlier messages first, docs/decisions/0008), answered by the demo
 * model at a slow pace (DEMO_TOKEN_DELAY_MS) so the later answer streams for several seconds.
 * Screenshots: docs/screenshots/long-chat-{light,dark}.png.
 */
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { accountWithToken, launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");
const MESSAGES = 500;

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let secret = "";
let conversationId = "";
const pageErrors: string[] = [];

/**
 * The history before the last prompt: questions and answers of mixed height (one line, a few
 * paragraphs, a list, a code block), so rows measured late differ from virtua's estimate.
 */
function history(count: number): Array<{ role: "user" | "assistant"; content: string }> {
  return Array.from({ length: count }, (_, index) => {
    if (index % 2 === 0)
      return { role: "user" as const, content: `Question ${index}: what about part ${index}?` };
    const paragraphs = Array.from(
      { length: 1 + (index % 4) },
      (_, p) => `Answer ${index}, paragraph ${p + 1}. The room keeps every device in step with **offsets**.`,
    );
    if (index % 5 === 1) paragraphs.push("- first point\n- second point\n- third point");
    if (index % 7 === 3) paragraphs.push("```ts\nconst answer = 42;\nconsole.log(answer);\n```");
    return { role: "assistant" as const, content: paragraphs.join("\n\n") };
  });
}

/** `POST /v1/chat/completions` with the personal token; the conversation it was written in. */
async function complete(
  messages: Array<{ role: string; content: string }>,
  options: { conversation?: string; stream?: boolean } = {},
) {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${secret}`,
      "content-type": "application/json",
      ...(options.conversation ? { "x-parley-conversation": options.conversation } : {}),
    },
    body: JSON.stringify({ model: "parley-demo", messages, stream: options.stream ?? false }),
  });
}

const scroller = () => page.getByRole("log", { name: "Messages" }).locator("..");
const distanceFromBottom = () =>
  scroller().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
const mountedRows = () => page.locator("[data-message-id]").count();

/** The row at the top edge of the log's viewport: its id and its top relative to that edge. */
function topRow(): Promise<{ id: string; offset: number }> {
  return scroller().evaluate((el) => {
    const edge = el.getBoundingClientRect().top;
    for (const row of el.querySelectorAll<HTMLElement>("[data-message-id]")) {
      const box = row.getBoundingClientRect();
      if (box.bottom > edge + 40) return { id: row.dataset.messageId ?? "", offset: box.top - edge };
    }
    return { id: "", offset: Number.NaN };
  });
}

/** The offset of one row from the top of the log's viewport (NaN when it is not mounted). */
function offsetOf(id: string): Promise<number> {
  return scroller().evaluate((el, messageId) => {
    const row = el.querySelector(`[data-message-id="${messageId}"]`);
    return row ? row.getBoundingClientRect().top - el.getBoundingClientRect().top : Number.NaN;
  }, id);
}

/** Waits until the top row has stayed put for a few frames (rows mounted and measured). */
async function settledTopRow(): Promise<{ id: string; offset: number }> {
  let last = await topRow();
  for (let tries = 0; tries < 40; tries++) {
    await page.waitForTimeout(150);
    const now = await topRow();
    if (now.id === last.id && Math.abs(now.offset - last.offset) < 0.5) return now;
    last = now;
  }
  throw new Error("the log never came to rest");
}

beforeAll(async () => {
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "40" } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // The browser's account, signed up through the API (the page shares its cookies), and its token.
  secret = await accountWithToken(page, server.url, "long-chat", "seed");

  // 499 stored messages, the last a prompt, and the demo's answer to it: 500.
  const seeded = await complete([
    ...history(MESSAGES - 2),
    { role: "user", content: "The last question of a very long chat" },
  ]);
  expect(seeded.status, await seeded.clone().text()).toBe(200);
  conversationId = seeded.headers.get("x-parley-conversation") ?? "";
  const stored = await context.request.get(`${server.url}/api/v1/conversations/${conversationId}`);
  expect(((await stored.json()) as { messages: unknown[] }).messages).toHaveLength(MESSAGES);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a 500-message chat", () => {
  it("opens at its last message with only the rows on screen in the DOM", async () => {
    // The room's snapshot brings the newest 50 messages; the older ones come over HTTP. Held back
    // here, so they arrive while the person already reads (and has scrolled a little).
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const historyUrl = `${server.url}/api/v1/conversations/${conversationId}`;
    await page.route(historyUrl, async (route) => {
      await released;
      await route.continue();
    });
    await page.goto(`${server.url}/c/${conversationId}`);
    await page.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    const last = page.locator('[data-testid="assistant-message"]').last();
    await expect.poll(() => last.getAttribute("data-status")).toBe("complete");
    await expect.poll(() => last.getByTestId("message-text").textContent()).toContain("demo model");
    // At the bottom, and the answer's end is on screen.
    await expect.poll(distanceFromBottom).toBeLessThan(2);
    const [lastBox, viewBox] = [await last.boundingBox(), await scroller().boundingBox()];
    expect(lastBox!.y + lastBox!.height).toBeLessThanOrEqual(viewBox!.y + viewBox!.height);
    expect(lastBox!.y + lastBox!.height).toBeGreaterThan(viewBox!.y);
    // Far fewer rows than messages, and the first question is not among them.
    const rows = await mountedRows();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(40);
    const log = page.getByRole("log", { name: "Messages" });
    expect(await log.getByText("Question 0: what about part 0?").count()).toBe(0);

    // Scrolled up a little, the older 450 messages arrive in front: what is read stays put.
    await scroller().evaluate((el) => el.scrollBy({ top: -150, behavior: "instant" }));
    const anchor = await settledTopRow();
    const arrived = page.waitForResponse(historyUrl);
    release();
    await arrived;
    await page.waitForTimeout(500);
    expect(Math.abs((await offsetOf(anchor.id)) - anchor.offset)).toBeLessThan(3);
    await page.unroute(historyUrl);
    // They are all there: the top of the log is the chat's first question.
    await scroller().evaluate((el) => el.scrollTo({ top: 0, behavior: "instant" }));
    await log.getByText("Question 0: what about part 0?").waitFor({ timeout: 5_000 });
    expect(await mountedRows()).toBeLessThan(40);
  });

  it("keeps what you read in place while rows above are measured and an answer streams in", async () => {
    // To the middle of the chat (its height is still an estimate there), then further up a Page
    // Up at a time: the rows mounted above the viewport are measured for the first time and must
    // not push the text being read, which moves by exactly what was scrolled.
    await scroller().evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2, behavior: "instant" }));
    await page.getByRole("button", { name: "Jump to latest" }).waitFor({ timeout: 5_000 });
    let anchor = await settledTopRow();
    expect(anchor.id).not.toBe("");
    const heights = new Set<number>();
    for (let step = 0; step < 6; step++) {
      heights.add(await scroller().evaluate((el) => el.scrollHeight));
      await scroller().evaluate((el) => el.scrollBy({ top: -450, behavior: "instant" }));
      await page.waitForTimeout(200);
      expect(Math.abs((await offsetOf(anchor.id)) - (anchor.offset + 450))).toBeLessThan(3);
      anchor = await settledTopRow();
    }
    // Rows were measured on the way (the log's estimated height changed), and nothing jumped.
    heights.add(await scroller().evaluate((el) => el.scrollHeight));
    expect(heights.size).toBeGreaterThan(1);
    const readingText = await page.locator(`[data-message-id="${anchor.id}"]`).textContent();

    // Another client asks a question in the same chat; its answer streams below, out of view.
    const streamed = await complete([{ role: "user", content: "A question from another client" }], {
      conversation: conversationId,
      stream: true,
    });
    expect(streamed.status).toBe(200);
    const reader = streamed.body!.getReader();
    let chunks = 0;
    let ended = false;
    const reading = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
        chunks++;
      }
      ended = true;
    })();
    reading.catch(() => undefined);
    // The jump button says an answer is being written; the text read has not moved.
    const jump = page.getByRole("button", { name: "Jump to latest" });
    await jump.locator(".animate-pulse").waitFor({ timeout: 20_000 });
    const startChunks = chunks;
    for (let sample = 0; sample < 8; sample++) {
      expect(Math.abs((await offsetOf(anchor.id)) - anchor.offset)).toBeLessThan(3);
      await page.waitForTimeout(200);
    }
    expect(chunks).toBeGreaterThan(startChunks);
    // The middle of the chat while the answer streams below (the anchor is checked again after).
    await page.screenshot({ path: path.join(SCREENSHOTS, "long-chat-light.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(SCREENSHOTS, "long-chat-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
    expect(Math.abs((await offsetOf(anchor.id)) - anchor.offset)).toBeLessThan(3);
    expect(ended).toBe(false);
    expect(await page.locator(`[data-message-id="${anchor.id}"]`).textContent()).toBe(readingText);

    // Jump to latest: the streaming answer comes into view at the bottom, and the log follows it.
    await jump.click();
    await jump.waitFor({ state: "detached" });
    const answer = page.locator('[data-testid="assistant-message"]').last();
    await expect.poll(() => answer.getAttribute("data-status")).toBe("streaming");
    expect(await page.getByTestId("user-message").getByText("A question from another client").count()).toBe(
      1,
    );
    await expect.poll(distanceFromBottom).toBeLessThan(2);
    const height = await scroller().evaluate((el) => el.scrollHeight);
    await expect
      .poll(() => scroller().evaluate((el) => el.scrollHeight), { timeout: 10_000 })
      .toBeGreaterThan(height + 50);
    expect(await distanceFromBottom()).toBeLessThan(2);
    await expect.poll(() => answer.getAttribute("data-status"), { timeout: 30_000 }).toBe("complete");
    await reading;
    await expect.poll(distanceFromBottom).toBeLessThan(2);
    const [answerBox, viewBox] = [await answer.boundingBox(), await scroller().boundingBox()];
    expect(answerBox!.y + answerBox!.height).toBeLessThanOrEqual(viewBox!.y + viewBox!.height);
    expect(await mountedRows()).toBeLessThan(40);
    expect(pageErrors).toEqual([]);
  });

  it("shows someone holding the chat's link the whole chat, from its first question", async () => {
    const shared = await context.request.put(`${server.url}/api/v1/conversations/${conversationId}/share`, {
      data: { mode: "watch" },
    });
    expect(shared.status()).toBe(201);
    const { share } = (await shared.json()) as { share: { path: string } };
    // Another browser: a guest of its own, for whom the chat is someone else's.
    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await stranger.newPage();
    viewer.on("pageerror", (error) => pageErrors.push(error.message));
    await viewer.goto(`${server.url}${share.path}`);
    await viewer.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    const log = viewer.getByRole("log", { name: "Messages" });
    // The room's snapshot holds the newest 50 messages; the rest come through the link. At the top
    // of the log (it grows as they arrive) is the chat's first question.
    await expect
      .poll(
        async () => {
          await log.locator("..").evaluate((el) => el.scrollTo({ top: 0, behavior: "instant" }));
          return log.getByText("Question 0: what about part 0?").count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(await viewer.locator("[data-message-id]").count()).toBeLessThan(40);
    await stranger.close();
    expect(pageErrors).toEqual([]);
  });
});
