/**
 * An API call is a live room, seen from a real browser: the openai SDK streams an answer from the
 * dev server with a personal token while Chromium, signed in as the same account, opens the
 * conversation at `X-Parley-Url` and shows the same text growing; Stop pressed in the page ends
 * the SDK's stream with finish reason "stop" and exactly the text both of them hold.
 */
import path from "node:path";
import OpenAI from "openai";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { accountWithToken, launchChromium } from "./chromium.ts";

const PROMPT = "Show me a short TypeScript example, please.";

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
  secret = await accountWithToken(page, server.url, "live-api", "e2e script");
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

describe("the compatible API, watched in the browser", () => {
  it("shows an SDK call's answer live at X-Parley-Url, and Stop there ends the SDK's stream", async () => {
    const client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    // The demo model's answer to a prompt is always the same: the whole of it, once, for reference.
    const whole = (
      await client.chat.completions.create({
        model: "parley-demo",
        messages: [{ role: "user", content: PROMPT }],
      })
    ).choices[0]?.message.content;
    if (!whole) throw new Error("the demo model gave no answer");
    const { data: stream, response } = await client.chat.completions
      .create({ model: "parley-demo", stream: true, messages: [{ role: "user", content: PROMPT }] })
      .withResponse();
    const url = response.headers.get("x-parley-url") ?? "";
    expect(url).toBe(`${server.url}/c/${response.headers.get("x-parley-conversation")}`);

    // Read the SDK's stream in the background while the page is driven.
    let sdkText = "";
    let finish: string | null = null;
    const reading = (async () => {
      for await (const chunk of stream) {
        sdkText += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    })();
    // Awaited below; until then a failure of the page steps must not leave it unhandled.
    reading.catch(() => undefined);

    await page.goto(url);
    await page.getByTestId("user-message").getByText(PROMPT).waitFor({ timeout: 20_000 });
    // The page's text grows while the SDK's does: two samples, both streaming, the second longer.
    await expect.poll(async () => (await shownAnswer()).text.length, { timeout: 20_000 }).toBeGreaterThan(20);
    const first = await shownAnswer();
    await expect.poll(async () => (await shownAnswer()).text.length).toBeGreaterThan(first.text.length);
    expect(first.status).toBe("streaming");
    expect(whole.startsWith(first.text)).toBe(true);
    // The sidebar lists the conversation, marked as the token's.
    await expect(page.getByTestId("api-mark").first().textContent()).resolves.toBe("API · e2e script");
    await page.screenshot({ path: path.join(repoRoot, "docs", "screenshots", "api-live-streaming.png") });

    await page.getByRole("button", { name: "Stop" }).click();
    await reading;
    expect(finish).toBe("stop");
    expect(sdkText.length).toBeGreaterThanOrEqual(first.text.length);
    expect(sdkText.length).toBeLessThan(whole.length);
    await expect.poll(async () => (await shownAnswer()).status).toBe("stopped");
    expect((await shownAnswer()).text).toBe(sdkText);
    expect(pageErrors).toEqual([]);
  });
});
