/**
 * Output moderation as people see it, against the real worker (vite dev, demo model): with the
 * blocklist catching a word of the demo's code sample and the policy set to `stop`, the answer
 * ends part-way with a clear content-filter note; set to withhold, a notice replaces its text.
 * Screenshots (not committed): $E2E_SHOTS or /tmp/filtered-answer-{light,dark}.png.
 */
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SHOTS = process.env.E2E_SHOTS ?? "/tmp";
const ADMIN_TOKEN = "e2e-admin-token-0123456789-abcdefghijklmnop";
const FILTER_NOTE = "Stopped by a content filter";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const answers = `[data-testid="assistant-message"]`;

async function setPolicy(policy: unknown): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/admin/settings/output-moderation`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(policy),
  });
  expect(response.status).toBe(200);
}

/** Sends `prompt` and waits for its answer to end; resolves with the answer's element. */
async function ask(prompt: string) {
  const before = await page.locator(answers).count();
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  const answer = page.locator(answers).nth(before);
  await page.locator(`${answers}:not([data-status="streaming"])`).nth(before).waitFor({ timeout: 60_000 });
  return answer;
}

beforeAll(async () => {
  server = await startDevServer({
    env: { ADMIN_TOKEN, MODERATION_BLOCKLIST: "lastUserMessage" },
  });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("an answer output moderation stops", () => {
  it("ends part-way with a content-filter note, or shows only a notice when withheld", async () => {
    await setPolicy({ mode: "stop", onStop: "keep", windowChars: 100 });
    await page.goto(`${server.url}/`);
    const kept = await ask("Show me a small code sample");
    expect(await kept.getAttribute("data-status")).toBe("complete");
    await expect.poll(() => kept.getByTestId("message-status").textContent()).toContain(FILTER_NOTE);
    const keptText = (await kept.textContent()) ?? "";
    // It stopped in the code sample: the demo's closing words never came.
    expect(keptText).toContain("Here is the kind of code");
    expect(keptText).not.toContain("To talk to a real model");

    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SHOTS, "filtered-answer-light.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SHOTS, "filtered-answer-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });

    await setPolicy({ mode: "stop", onStop: "withhold", windowChars: 100 });
    const withheld = await ask("Another code sample, please");
    await expect
      .poll(() => withheld.textContent())
      .toContain("This answer was withheld: it went against this server's content rules.");
    expect(await withheld.textContent()).not.toContain("Here is the kind of code");
    expect(await withheld.getByTestId("message-status").textContent()).toContain(FILTER_NOTE);

    // A reload shows the same, from what was stored.
    await page.reload();
    const last = page.locator(answers).last();
    await expect.poll(() => last.textContent(), { timeout: 15_000 }).toContain("This answer was withheld");
    expect(pageErrors).toEqual([]);
  });
});
