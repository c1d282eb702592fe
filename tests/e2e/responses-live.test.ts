/**
 * A background Responses call is a live room, seen from a real browser: the openai SDK starts a
 * background response on the dev server with a personal token and gets back at once; Chromium,
 * signed in as the same account, opens `X-Parley-Url` and shows the answer still growing; Stop
 * pressed in the page ends it, and the SDK's `retrieve` then reads it as cancelled with exactly
 * the text the page shows.
 */
import path from "node:path";
import OpenAI from "openai";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { accountWithToken, launchChromium } from "./chromium.ts";

// The demo model streams a fixed answer to a prompt a word at a time (DEMO_TOKEN_DELAY_MS, 30 ms
// here): some six seconds, long enough to open the page and watch it grow.
const PROMPT = "Run this one in the background, please.";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let secret = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // The browser's account, signed up through the API (the page shares its cookies), and its token.
  secret = await accountWithToken(page, server.url, "live-responses", "background job");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The raw text of the last answer on the page, and its status. */
async function shownAnswer(): Promise<{ status: string | null; text: string }> {
  const answer = page.locator('[data-testid="assistant-message"]').last();
  return {
    status: await answer.getAttribute("data-status"),
    text: (await answer.getByTestId("message-text").getAttribute("data-raw")) ?? "",
  };
}

describe("a background response, watched in the browser", () => {
  it("grows live at X-Parley-Url, and Stop there leaves retrieve a cancelled response with the page's text", async () => {
    const client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    // The whole answer to the prompt, once, for reference (kept nowhere: store: false).
    const whole = (await client.responses.create({ model: "parley-demo", input: PROMPT, store: false }))
      .output_text;
    expect(whole.length).toBeGreaterThan(500);
    const { data: created, response } = await client.responses
      .create({ model: "parley-demo", input: PROMPT, background: true })
      .withResponse();
    // Answered at once, before the answer is written.
    expect(created.status).toBe("in_progress");
    const url = response.headers.get("x-parley-url") ?? "";
    expect(url).toBe(`${server.url}/c/${response.headers.get("x-parley-conversation")}`);

    await page.goto(url);
    await page.getByTestId("user-message").getByText(PROMPT).waitFor({ timeout: 20_000 });
    // Nobody reads the call's stream, yet the page's text grows: two samples, both streaming.
    await expect.poll(async () => (await shownAnswer()).text.length, { timeout: 20_000 }).toBeGreaterThan(20);
    const first = await shownAnswer();
    await expect.poll(async () => (await shownAnswer()).text.length).toBeGreaterThan(first.text.length);
    const second = await shownAnswer();
    expect([first.status, second.status]).toEqual(["streaming", "streaming"]);
    expect(whole.startsWith(second.text)).toBe(true);
    await page.screenshot({
      path: path.join(repoRoot, "docs", "screenshots", "responses-live-streaming.png"),
    });

    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(async () => (await shownAnswer()).status).toBe("stopped");
    const shown = (await shownAnswer()).text;
    // Stopped part-way: more than was seen streaming, less than the whole answer.
    expect(shown.length).toBeGreaterThanOrEqual(second.text.length);
    expect(shown.length).toBeLessThan(whole.length);
    expect(whole.startsWith(shown)).toBe(true);

    const read = await client.responses.retrieve(created.id);
    expect(read.status).toBe("cancelled");
    expect(read.output_text).toBe(shown);
    expect(pageErrors).toEqual([]);
  });
});
