/**
 * What sits around an answer (issue #17, items 5 and 12), against the real worker (vite dev) with
 * OpenAI served by the fake upstream (tests/fake-upstream) and the built-in demo beside it:
 * - the meta line counts the answer's own output tokens and its cost ("73 tokens · $0.0002"), not
 *   the whole context; the input/cached split opens as a detail; the demo says "Free";
 * - an answer that failed (the provider kept answering 500) has a Retry that writes it again;
 * - scrolled up during a stream, "Jump to latest" appears, and brings you down and follows again;
 * - with a real provider set up, the model picker has no "add a provider" hint.
 * Screenshots: docs/screenshots/answer-{usage,retry,jump,jump-phone}-{light,dark}.png.
 */
import path from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/server.ts";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");

let upstream: FakeUpstream;
let server: DevServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const answers = () => page.locator('[data-testid="assistant-message"]');
const composer = () => page.getByRole("textbox", { name: "Message" });
/** The element that scrolls the message log. */
const scroller = () => page.getByRole("log", { name: "Messages" }).locator("..");

async function chooseModel(id: string) {
  await page.getByTestId("model-picker").click();
  await page.locator(`[role="option"][id="model-option-${id}"]`).click();
  await page.locator(`[role="option"][id="model-option-${id}"]`).waitFor({ state: "detached" });
}

/** Sends a prompt and waits until its answer has ended (in any way); returns the answer. */
async function send(prompt: string) {
  const before = await answers().count();
  await composer().fill(prompt);
  await expect.poll(() => page.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
  await composer().press("Enter");
  const answer = answers().nth(before);
  await answer.and(page.locator(':not([data-status="streaming"])')).waitFor({ timeout: 30_000 });
  return answer;
}

async function screenshot(name: string) {
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-light.png`) });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: "light" });
}

/** How far the log is from its bottom, in pixels. */
const distanceFromBottom = () =>
  scroller().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

beforeAll(async () => {
  upstream = await startFakeUpstream();
  server = await startDevServer({
    env: { OPENAI_API_KEY: "sk-e2e-fake-upstream", OPENAI_BASE_URL: `${upstream.url}/v1` },
  });
  browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/`);
  await composer().waitFor();
  await chooseModel("gpt-5-mini");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
});

describe("around an answer", () => {
  it("counts the answer's own tokens and cost, with the context split in a detail", async () => {
    // The fake reports 1,250 prompt tokens (1,024 cached) and 73 completion tokens (64 reasoning).
    const answer = await send("[[case:normal]] Say hello");
    const usage = answer.getByTestId("message-usage");
    // GPT-5 mini: (226 × 0.25 + 1,024 × 0.025 + 73 × 2) / 1e6 = $0.000228.
    await expect.poll(() => usage.textContent()).toBe("73 tokens · $0.0002");

    await usage.click();
    const detail = page.getByTestId("usage-detail");
    await detail.waitFor();
    const text = (await detail.textContent()) ?? "";
    expect(text).toContain("1,250 tokens");
    expect(text).toContain("1,024 tokens cached");
    expect(text).toContain("64 tokens of thinking");
    await screenshot("answer-usage");
    await page.keyboard.press("Escape");
    await detail.waitFor({ state: "detached" });
  });

  it("offers Retry on an answer that failed, and Retry writes it again", async () => {
    // The first three requests fail (the worker's own two retries included), the next one works.
    const failed = await send("[[case:server-error-then-ok fails=3 tag=retry-e2e]] Try this");
    expect(await failed.getAttribute("data-status")).toBe("error");
    const retry = failed.getByRole("button", { name: "Retry" });
    await retry.waitFor();
    await screenshot("answer-retry");

    await retry.click();
    const again = answers().last();
    await again.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    expect(await again.getByTestId("message-text").textContent()).toContain(
      "Hello! How can I help you today?",
    );
    // The failed try stays as the other branch of the same prompt (the switcher is a chunk of
    // its own, so it may come a moment after the answer).
    await expect.poll(() => again.textContent()).toContain("2/2");
  });

  it("shows Jump to latest when scrolled up during a stream, and follows again after it", async () => {
    const before = await answers().count();
    await composer().fill("[[case:slow tokens=2000 delay=10]] Write a long one");
    await composer().press("Enter");
    const streaming = answers().nth(before);
    await streaming.and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 20_000 });
    const jump = page.getByRole("button", { name: "Jump to latest" });
    // Following the stream: no button.
    await expect.poll(distanceFromBottom).toBeLessThan(120);
    expect(await jump.count()).toBe(0);

    // Enough of the answer to scroll away from.
    await expect
      .poll(() => scroller().evaluate((el) => el.scrollHeight - el.clientHeight), { timeout: 20_000 })
      .toBeGreaterThan(600);
    await page.getByRole("log", { name: "Messages" }).hover();
    await page.mouse.wheel(0, -3000);
    await jump.waitFor({ timeout: 5_000 });
    // Scrolled up, the log leaves you where you are while the answer grows below.
    const away = await scroller().evaluate((el) => el.scrollTop);
    await page.waitForTimeout(600);
    expect(await scroller().evaluate((el) => el.scrollTop)).toBe(away);
    expect(await streaming.getAttribute("data-status")).toBe("streaming");
    await screenshot("answer-jump");

    await jump.click();
    await jump.waitFor({ state: "detached" });
    expect(await distanceFromBottom()).toBeLessThan(120);
    // Following again: still at the bottom after more text arrived.
    const height = await scroller().evaluate((el) => el.scrollHeight);
    await expect
      .poll(() => scroller().evaluate((el) => el.scrollHeight), { timeout: 10_000 })
      .toBeGreaterThan(height);
    expect(await distanceFromBottom()).toBeLessThan(120);
    await streaming.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    expect(await distanceFromBottom()).toBeLessThan(120);
  });

  it("says a model that costs nothing is free, and has no add-a-provider hint with OpenAI set up", async () => {
    await chooseModel("parley-demo");
    const answer = await send("A question for the demo");
    await expect
      .poll(() => answer.getByTestId("message-usage").textContent())
      .toMatch(/^\d[\d,]* tokens? · Free$/);

    await page.getByTestId("model-picker").click();
    await page.getByRole("listbox", { name: "Models" }).waitFor();
    expect(await page.getByTestId("add-providers-hint").count()).toBe(0);
    await page.keyboard.press("Escape");

    // On a phone: the usage line and the jump button fit beside the composer.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByRole("log", { name: "Messages" }).hover();
    await page.mouse.wheel(0, -1500);
    await page.getByRole("button", { name: "Jump to latest" }).waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot("answer-jump-phone");
    expect(pageErrors).toEqual([]);
  });
});
