/**
 * The product UI against the real worker (vite dev, demo provider): markdown and highlighted code
 * while streaming, switching chats mid-stream and back, the sidebar menu (rename, pin, delete), the
 * keyboard palette and shortcuts, themes, a 375 px phone, and screenshots of the main screens
 * (docs/screenshots/*.png) in light and dark.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");

const conversationDetail = z.object({
  conversation: z.object({ id: z.string(), title: z.string(), pinned: z.boolean() }),
  messages: z.array(z.object({ id: z.string(), role: z.string(), content: z.string(), status: z.string() })),
});

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const answers = `[data-testid="assistant-message"]`;
const rawText = (page: Page, id: string) =>
  page
    .locator(`${answers}[data-message-id="${id}"] [data-testid="message-text"]`)
    .getAttribute("data-raw", { timeout: 2_000 })
    .then((text) => text ?? "");

function chatIdOf(page: Page): string {
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
}

async function detail(id: string) {
  const response = await context.request.get(`${server.url}/api/v1/conversations/${id}`);
  return {
    status: response.status(),
    body: response.ok() ? conversationDetail.parse(await response.json()) : null,
  };
}

/** Sends from the composer with the remembered model (the demo, see beforeAll). */
async function send(page: Page, prompt: string): Promise<string> {
  const before = await page.locator(answers).count();
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  const answer = page.locator(answers).nth(before);
  await answer.waitFor({ timeout: 20_000 });
  return (await answer.getAttribute("data-message-id")) ?? "";
}

async function waitDone(page: Page, id: string) {
  await page
    .locator(`${answers}[data-message-id="${id}"]:not([data-status="streaming"])`)
    .waitFor({ timeout: 60_000 });
}

async function shoot(target: Page, name: string) {
  await target.waitForTimeout(250);
  await target.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "15" } });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  // Tests never reach a real provider, even with keys in the environment: the demo model is chosen.
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("product UI", () => {
  let firstChat = "";
  let secondChat = "";

  it("welcomes with example prompts, then streams markdown with a highlighted, copyable code block", async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: /Write some code/ }).waitFor();
    // The picture shows the page settled: the models and the (empty) chat list have arrived.
    await expect.poll(() => page.getByTestId("model-picker").textContent()).not.toContain("Loading");
    await page.getByText("Your chats will appear here.").waitFor();
    await shoot(page, "new-chat-light");

    await page.getByRole("button", { name: /Write some code/ }).click();
    await expect(page.getByRole("textbox", { name: "Message" }).inputValue()).resolves.toContain("debounce");
    const id = await send(page, "Show me some TypeScript, please.");
    await page.waitForURL(/\/c\/[^/]+$/);
    firstChat = chatIdOf(page);

    // Mid-stream the answer is already rendered markdown (bold, list), not raw asterisks.
    const answer = page.locator(`${answers}[data-message-id="${id}"]`);
    await answer.locator("strong").first().waitFor({ timeout: 20_000 });
    await waitDone(page, id);
    await expect(answer.getAttribute("data-status")).resolves.toBe("complete");

    const block = answer.locator(".code-block");
    await expect(block.textContent()).resolves.toContain("ts");
    await block.getByRole("button", { name: "Copy code" }).waitFor();
    // Highlighting arrives lazily once the block is complete.
    await block.locator(".shiki-token").first().waitFor({ timeout: 20_000 });
    // Shiki ran in the highlighting Web Worker: the page itself never loaded any of it.
    expect(page.workers().some((worker) => worker.url().includes("highlight.worker"))).toBe(true);
    const shikiInPage = await page.evaluate(
      () => performance.getEntriesByType("resource").filter((entry) => /shiki/i.test(entry.name)).length,
    );
    expect(shikiInPage).toBe(0);
    await block.getByRole("button", { name: "Wrap lines" }).click();
    await expect(
      block.getByRole("button", { name: "Wrap lines" }).getAttribute("aria-pressed"),
    ).resolves.toBe("true");

    // Model, tokens and cost under the answer; the raw text equals what the server stored.
    await expect(answer.textContent()).resolves.toMatch(/Parley Demo.*\d+ tokens · Free/);
    const stored = (await detail(firstChat)).body?.messages.find((m) => m.id === id);
    expect(await rawText(page, id)).toBe(stored?.content);
    await expect(page.getByRole("log", { name: "Messages" }).getAttribute("aria-live")).resolves.toBe(
      "polite",
    );
  });

  it("switches to another chat mid-stream and back without losing the stream or showing a spinner", async () => {
    await page.keyboard.press("Control+Shift+O");
    await page.waitForURL(`${server.url}/`);
    const id = await send(page, "A second chat that keeps streaming while I look elsewhere.");
    await page.waitForURL(/\/c\/[^/]+$/);
    secondChat = chatIdOf(page);
    await expect.poll(() => rawText(page, id).then((t) => t.length), { timeout: 20_000 }).toBeGreaterThan(40);

    // Away to the first chat: shown from the local cache at once.
    await page.locator(`[data-conversation-id="${firstChat}"] a`).click();
    await page.locator(answers).first().waitFor({ timeout: 500 });
    expect(await page.locator(".animate-skeleton").count()).toBe(0);
    await page.waitForTimeout(400);

    // And back: the answer is on screen at once with at least what we had, then finishes.
    const seenBefore = await detail(secondChat);
    await page.locator(`[data-conversation-id="${secondChat}"] a`).click();
    await page.locator(`${answers}[data-message-id="${id}"]`).waitFor({ timeout: 500 });
    const onReturn = await rawText(page, id);
    expect(onReturn.length).toBeGreaterThan(40);
    expect(seenBefore.status).toBe(200);
    await waitDone(page, id);
    const final = await rawText(page, id);
    expect(final.startsWith(onReturn)).toBe(true);
    const stored = (await detail(secondChat)).body?.messages.find((m) => m.id === id);
    expect(stored?.status).toBe("complete");
    expect(final).toBe(stored?.content);
  });

  it("renames, pins and deletes chats from the sidebar menu", async () => {
    const row = page.locator(`[data-conversation-id="${firstChat}"]`);
    await row.hover();
    await row.getByRole("button", { name: /Options for/ }).click();
    await page.getByRole("menuitem", { name: "Rename" }).click();
    const input = page.getByRole("textbox", { name: "Chat title" });
    await input.waitFor();
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await input.fill("Debounce in TypeScript");
    await input.press("Enter");
    await expect.poll(() => row.textContent()).toContain("Debounce in TypeScript");
    await expect
      .poll(async () => (await detail(firstChat)).body?.conversation.title)
      .toBe("Debounce in TypeScript");

    await row.hover();
    await row.getByRole("button", { name: /Options for/ }).click();
    await page.getByRole("menuitem", { name: "Pin" }).click();
    await expect
      .poll(() =>
        page
          .locator('section:has(h2:text-is("Pinned")) [data-conversation-id]')
          .getAttribute("data-conversation-id"),
      )
      .toBe(firstChat);
    await expect.poll(async () => (await detail(firstChat)).body?.conversation.pinned).toBe(true);
    await shoot(page, "chat-light");

    // Delete the open chat: confirm, it leaves the sidebar, the page goes home, the API says 404.
    const second = page.locator(`[data-conversation-id="${secondChat}"]`);
    await second.hover();
    await second.getByRole("button", { name: /Options for/ }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await second.waitFor({ state: "detached" });
    await page.waitForURL(`${server.url}/`);
    await expect.poll(async () => (await detail(secondChat)).status).toBe(404);
  });

  it("is keyboard-first: Ctrl+K finds a chat, ? lists the shortcuts, Ctrl+/ opens the model picker", async () => {
    await page.keyboard.press("Control+k");
    const palette = page.getByRole("combobox", { name: "Search chats and commands" });
    await palette.waitFor();
    await palette.fill("debounce");
    await shoot(page, "palette-light");
    await palette.press("Enter");
    await page.waitForURL(new RegExp(`/c/${firstChat}$`));

    await page.locator("body").click({ position: { x: 700, y: 30 } });
    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });

    await page.keyboard.press("Control+/");
    const search = page.getByRole("combobox", { name: "Search models" });
    await search.waitFor();
    await expect(
      page.getByRole("group", { name: "Parley" }).getByRole("option").count(),
    ).resolves.toBeGreaterThan(0);
    await search.fill("zzz-no-such-model");
    await page.getByText("No model matches.").waitFor();
    await search.fill("demo");
    await shoot(page, "model-picker-light");
    await search.press("Enter");
    await search.waitFor({ state: "detached" });
    // Focus is back in the composer: `/` from elsewhere focuses it too.
    await page.locator("body").click({ position: { x: 700, y: 30 } });
    await page.keyboard.press("/");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("composer");
  });

  it("switches themes and remembers the choice; Settings offers System, Light and Dark", async () => {
    // The toggle steps through system → light → dark: two steps from System to Dark.
    await page.getByTestId("theme-toggle").click();
    await page.getByTestId("theme-toggle").click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.reload();
    await page.locator(answers).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.locator(".shiki-token").first().waitFor({ timeout: 20_000 });
    await shoot(page, "chat-dark");

    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("radiogroup", { name: "Theme" }).waitFor();
    await page.getByText("Your plan").first().waitFor();
    await shoot(page, "settings-dark");
    await page.getByRole("radio", { name: "System" }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.getByRole("link", { name: "Settings" }).waitFor();
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: /Write some code/ }).waitFor();
    await shoot(page, "new-chat-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("works on a 375 px phone: no sideways scroll, the sidebar is a drawer", async () => {
    const phone = await context.newPage();
    phone.on("pageerror", (error) => pageErrors.push(error.message));
    try {
      await phone.setViewportSize({ width: 375, height: 812 });
      for (const scheme of ["light", "dark"] as const) {
        await phone.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
        await phone.goto(`${server.url}/c/${firstChat}`);
        await phone.locator(answers).first().waitFor();
        await phone.locator(".shiki-token").first().waitFor({ timeout: 20_000 });
        await phone.locator(".code-block").first().scrollIntoViewIfNeeded();
        expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        await shoot(phone, `phone-chat-${scheme}`);
      }
      const sidebar = phone.getByRole("complementary", { name: "Sidebar" });
      expect(await sidebar.isVisible()).toBe(false);
      await phone.getByRole("button", { name: "Open sidebar" }).click();
      await expect.poll(() => sidebar.isVisible()).toBe(true);
      await shoot(phone, "phone-drawer-dark");
      await phone.getByRole("button", { name: "New chat" }).first().click();
      await phone.waitForURL(`${server.url}/`);
      await expect.poll(() => sidebar.isVisible()).toBe(false);
      await phone.getByRole("button", { name: /Plan something/ }).waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await shoot(phone, "phone-new-chat-dark");
    } finally {
      await phone.close();
    }
  });

  it("threw no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
