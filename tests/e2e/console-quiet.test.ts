/**
 * Normal flows log nothing in the browser console: expected refusals are handled quietly and shown
 * in the page. Opening a deleted chat, and a guest forking a shared chat, used to log a 404 and
 * WebSocket errors.
 */
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

let server: DevServer;
let browser: Browser;

/** A page whose console errors and warnings (and uncaught errors) are collected. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; noise: string[] }> {
  const page = await context.newPage();
  const noise: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      noise.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => noise.push(`uncaught: ${error.message}`));
  return { page, noise };
}

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: "reduce",
  });
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  return context;
}

async function chat(page: Page, prompt: string): Promise<string> {
  await page.goto(`${server.url}/`);
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  await page.waitForURL(/\/c\/[^/]+$/);
  await page
    .locator('[data-testid="assistant-message"]:not([data-status="streaming"])')
    .first()
    .waitFor({ timeout: 60_000 });
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
}

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a quiet console", () => {
  it("opening a deleted chat shows that it is gone and logs nothing", async () => {
    const context = await newContext();
    const { page, noise } = await watchedPage(context);
    const id = await chat(page, "Something to delete");
    const deleted = await page.evaluate(
      async (url) => (await fetch(url, { method: "DELETE" })).status,
      `${server.url}/api/v1/conversations/${encodeURIComponent(id)}`,
    );
    expect(deleted).toBeLessThan(300);
    noise.length = 0;
    await page.goto(`${server.url}/c/${encodeURIComponent(id)}`);
    await page
      .getByText(/not found|deleted/i)
      .first()
      .waitFor({ timeout: 15_000 });
    await page.waitForTimeout(2_000);
    expect(noise).toEqual([]);
    await context.close();
  });

  it("a guest forking a shared chat logs nothing", async () => {
    const owner = await newContext();
    const { page: a } = await watchedPage(owner);
    const id = await chat(a, "Something to share");
    const token = await a.evaluate(
      async (url) => {
        const response = await fetch(url, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ mode: "watch" }),
        });
        return ((await response.json()) as { share: { token: string } }).share.token;
      },
      `${server.url}/api/v1/conversations/${encodeURIComponent(id)}/share`,
    );

    // A first visit: this browser has no cookie yet.
    const guest = await newContext();
    const { page: b, noise } = await watchedPage(guest);
    await b.goto(`${server.url}/s/${token}`);
    await b.getByTestId("read-only").waitFor({ timeout: 20_000 });
    await b.getByRole("button", { name: "Fork to my chats" }).click();
    await b.waitForURL(/\/c\/[^/]+$/, { timeout: 20_000 });
    await b.getByRole("textbox", { name: "Message" }).waitFor();
    await b.waitForTimeout(2_000);
    expect(noise).toEqual([]);
    await owner.close();
    await guest.close();
  });
});
