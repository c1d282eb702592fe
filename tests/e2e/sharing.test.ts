/**
 * Live share links and branches, in Chromium against `vite dev` (tests/e2e/server.ts):
 * (a) a watch link lets another guest (a separate browser context) follow the next answer live,
 *     without a composer; (b) revoking the link shows them that it is no longer active;
 * (c) editing a prompt makes a second branch with a `< 2/2 >` switcher, and switching back shows
 *     the old answer; (d) a link switched to Collaborate lets the other guest write, and the owner
 *     sees it (and sees them typing first).
 * Screenshots (light, 1280×800): docs/screenshots/{share-dialog,shared-watch,branches}.png.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const DEMO_MODEL = "parley-demo";
const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");
/**
 * How long a guest may take to notice that the room closed their socket (revoked link, new mode).
 * Under `vite dev` the close frame of a room-initiated close reaches the browser about 10 s late
 * (a raw WebSocket client sees the same delay), so this allows for that.
 */
const ROOM_CLOSE_MS = 30_000;

let server: DevServer;
let browser: Browser;
let ownerContext: BrowserContext;
let guestContext: BrowserContext;
/** The owner (context A) and another guest (context B). */
let a: Page;
let b: Page;
let conversationId = "";
let shareLink = "";
const pageErrors: string[] = [];

const answers = '[data-testid="assistant-message"]';
const answer = (id: string) => `${answers}[data-message-id="${id}"]`;

async function answerState(page: Page, id: string): Promise<{ status: string | null; text: string } | null> {
  return page.evaluate((selector) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const text = element.querySelector('[data-testid="message-text"]')?.getAttribute("data-raw") ?? "";
    return { status: element.getAttribute("data-status"), text };
  }, answer(id));
}

async function waitDone(page: Page, id: string) {
  await page.locator(`${answer(id)}:not([data-status="streaming"])`).waitFor({ timeout: 60_000 });
}

async function chooseDemoModel(page: Page) {
  await page.getByTestId("model-picker").click();
  await page.locator(`[role="option"][id="model-option-${DEMO_MODEL}"]`).click();
  await page.locator(`[role="option"][id="model-option-${DEMO_MODEL}"]`).waitFor({ state: "detached" });
}

/** Sends from the composer with the demo model; returns the id of the answer it starts. */
async function sendPrompt(page: Page, prompt: string): Promise<string> {
  await page.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
  const before = await page.locator(answers).count();
  await chooseDemoModel(page);
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  const started = page.locator(answers).nth(before);
  await started.waitFor({ timeout: 20_000 });
  const id = await started.getAttribute("data-message-id");
  if (!id) throw new Error("an answer without data-message-id");
  return id;
}

async function openShareDialog(page: Page) {
  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByTestId("share-dialog");
  await dialog.waitFor();
  // Loaded: either the link or the Create button is there.
  await dialog.locator('[data-testid="share-link"], button:has-text("Create link")').first().waitFor();
  return dialog;
}

async function shoot(page: Page, name: string) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

function watchErrors(page: Page, name: string) {
  page.on("pageerror", (error) => pageErrors.push(`${name}: ${error.message}`));
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // A slower demo stream than the default, so B has time to watch an answer grow on a busy machine.
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "50" } });
  browser = await launchChromium(["--disable-quic", "--disable-component-update", "--disable-sync"]);
  const options = { viewport: { width: 1280, height: 800 }, colorScheme: "light" as const };
  ownerContext = await browser.newContext(options);
  await ownerContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  guestContext = await browser.newContext(options);
  a = await ownerContext.newPage();
  b = await guestContext.newPage();
  watchErrors(a, "A");
  watchErrors(b, "B");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("sharing a live room", () => {
  it("(a) a watch link shows another guest the next answer live, read-only", async () => {
    await a.goto(`${server.url}/`);
    const first = await sendPrompt(a, "Say hello to the people watching.");
    await a.waitForURL(/\/c\/[^/]+$/);
    conversationId = decodeURIComponent(new URL(a.url()).pathname.split("/").pop() ?? "");
    await waitDone(a, first);

    const dialog = await openShareDialog(a);
    await expect(dialog.getByRole("radio", { name: /^Watch/ }).isChecked()).resolves.toBe(true);
    await dialog.getByRole("button", { name: "Create link" }).click();
    const linkField = dialog.getByTestId("share-link");
    await linkField.waitFor();
    shareLink = await linkField.inputValue();
    expect(shareLink).toMatch(new RegExp(`^${server.url}/s/[^/]+$`));
    await dialog.getByRole("button", { name: "Copy link" }).click();
    await dialog.getByRole("button", { name: "Copied" }).waitFor();
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(shareLink);
    await shoot(a, "share-dialog");
    await a.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await a.getByTestId("live-pill").waitFor();

    // What the link opens, as B's browser asks for it.
    const token = shareLink.split("/").pop() ?? "";
    const info = await guestContext.request.get(`${server.url}/api/v1/shares/${token}`);
    expect(await info.json()).toMatchObject({
      conversation: { id: conversationId },
      mode: "watch",
      role: "viewer",
    });

    // B opens the link: the history is there, live, with no composer.
    await b.goto(shareLink);
    await b.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    await b.locator(answer(first)).waitFor();
    expect((await answerState(b, first))?.text).toBe((await answerState(a, first))?.text);
    await b.getByTestId("read-only").waitFor();
    await expect(b.getByTestId("read-only").textContent()).resolves.toContain("Watching live");
    expect(await b.getByRole("textbox", { name: "Message" }).count()).toBe(0);
    await b.getByTestId("live-pill").waitFor();
    // A sees B arrive.
    await expect.poll(() => a.getByTestId("viewers").textContent(), { timeout: 10_000 }).toContain("2");

    // The next answer streams to B as it is written.
    const next = await sendPrompt(a, "Now write a longer answer about live rooms, please.");
    await b.locator(answer(next)).waitFor({ timeout: 20_000 });
    const samples: { status: string | null; text: string }[] = [];
    let shot = false;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await answerState(b, next);
      if (state) samples.push(state);
      if (state && state.status !== "streaming") break;
      if (!shot && state && state.text.length > 150) {
        await shoot(b, "shared-watch");
        shot = true;
      }
      if (Date.now() > deadline) throw new Error("the answer was still streaming after 60 s");
      await b.waitForTimeout(60);
    }
    await waitDone(a, next);
    const finalA = (await answerState(a, next))?.text ?? "";
    const finalB = (await answerState(b, next))?.text ?? "";
    const growing = new Set(samples.filter((s) => s.status === "streaming").map((s) => s.text.length));
    expect(growing.size, "B should see the text grow while it streams").toBeGreaterThanOrEqual(3);
    for (const sample of samples) expect(finalB.startsWith(sample.text)).toBe(true);
    expect(shot, "a screenshot mid-stream").toBe(true);
    expect(finalA.length).toBeGreaterThan(100);
    expect(finalB).toBe(finalA);
    // Watchers get no actions that would change the conversation.
    expect(await b.getByRole("button", { name: "Regenerate" }).count()).toBe(0);
    expect(await b.getByRole("button", { name: "Edit message" }).count()).toBe(0);
  });

  it("(b) stopping sharing shows the guest that the link is no longer active", async () => {
    const dialog = await openShareDialog(a);
    await dialog.getByRole("button", { name: "Stop sharing" }).click();
    await dialog.getByRole("button", { name: "Create link" }).waitFor();
    await a.keyboard.press("Escape");

    await b.getByTestId("link-inactive").waitFor({ timeout: ROOM_CLOSE_MS });
    await expect(b.getByTestId("link-inactive").textContent()).resolves.toContain(
      "This link is no longer active",
    );
    expect(await b.locator(answers).count()).toBe(0);
    // Opening the old link afresh says the same.
    const again = await guestContext.newPage();
    try {
      await again.goto(shareLink);
      await again.getByTestId("link-inactive").waitFor({ timeout: 15_000 });
    } finally {
      await again.close();
    }
  });

  it("(c) editing a prompt makes a branch; the switcher goes back to the old answer", async () => {
    const prompts = a.locator('[data-testid="user-message"]');
    const lastPrompt = prompts.last();
    const oldPromptId = await lastPrompt.getAttribute("data-message-id");
    const oldAnswerId = await a.locator(answers).last().getAttribute("data-message-id");
    if (!oldPromptId || !oldAnswerId) throw new Error("no last prompt/answer");
    const oldAnswer = (await answerState(a, oldAnswerId))?.text ?? "";

    await lastPrompt.hover();
    await lastPrompt.getByRole("button", { name: "Edit message" }).click();
    const editor = a.getByRole("textbox", { name: "Edited message" });
    // Esc cancels without sending.
    await editor.fill("Never mind");
    await editor.press("Escape");
    await editor.waitFor({ state: "detached" });
    await expect(lastPrompt.textContent()).resolves.toContain("Now write a longer answer");

    await lastPrompt.getByRole("button", { name: "Edit message" }).click();
    await editor.fill("Tell me a short story about branches instead.");
    await a.getByRole("button", { name: "Save & send" }).click();

    // The new branch: the edited prompt (2/2) and a new answer.
    const editedPrompt = prompts.last();
    await expect
      .poll(() => editedPrompt.getByTestId("branch-switcher").getAttribute("data-position"), {
        timeout: 20_000,
      })
      .toBe("2/2");
    await expect(editedPrompt.textContent()).resolves.toContain("short story about branches");
    const newAnswerId = await a.locator(answers).last().getAttribute("data-message-id");
    expect(newAnswerId).not.toBe(oldAnswerId);
    await waitDone(a, newAnswerId ?? "");
    expect(await a.locator(answer(oldAnswerId)).count()).toBe(0);
    // The edited prompt with its switcher, and the start of the new answer below it.
    await editedPrompt.evaluate((element) => element.scrollIntoView({ block: "center" }));
    await editedPrompt.hover();
    await shoot(a, "branches");

    // Back to version 1: the old prompt and its answer, as they were.
    await editedPrompt.getByRole("button", { name: "Previous prompt" }).click();
    await a.locator(answer(oldAnswerId)).waitFor({ timeout: 15_000 });
    expect((await answerState(a, oldAnswerId))?.text).toBe(oldAnswer);
    const restored = a.locator(`[data-testid="user-message"][data-message-id="${oldPromptId}"]`);
    await expect(restored.getByTestId("branch-switcher").getAttribute("data-position")).resolves.toBe("1/2");
    expect(await a.locator(answer(newAnswerId ?? "")).count()).toBe(0);

    // The switch is stored: a reload shows the same branch.
    await a.reload();
    await a.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    await a.locator(answer(oldAnswerId)).waitFor({ timeout: 15_000 });
    expect(await a.locator(answer(newAnswerId ?? "")).count()).toBe(0);
  });

  it("(d) a link switched to Collaborate lets the guest write; the owner sees it", async () => {
    const dialog = await openShareDialog(a);
    await dialog.getByRole("button", { name: "Create link" }).click();
    const link = await dialog.getByTestId("share-link").inputValue();
    expect(link).not.toBe(shareLink);

    await b.goto(link);
    await b.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    await b.getByTestId("read-only").waitFor();
    // The owner changes the mode while B is in the room: B reconnects as a collaborator.
    await dialog.getByText("Collaborate", { exact: true }).click();
    await expect.poll(() => dialog.getByRole("radio", { name: /^Collaborate/ }).isChecked()).toBe(true);
    await b.getByRole("textbox", { name: "Message" }).waitFor({ timeout: ROOM_CLOSE_MS });
    expect(await b.getByTestId("read-only").count()).toBe(0);
    // The dialog lists B among the people in the room.
    await expect
      .poll(() => dialog.getByTestId("share-people").textContent(), { timeout: 10_000 })
      .toContain("Can write");
    await a.keyboard.press("Escape");

    // A sees B typing, then B's message and its answer.
    await chooseDemoModel(b);
    await b.getByRole("textbox", { name: "Message" }).pressSequentially("Hello from B", { delay: 20 });
    await expect
      .poll(() => a.getByTestId("typing").textContent(), { timeout: 10_000 })
      .toContain("Guest is typing");
    const before = await a.locator(answers).count();
    await b.getByRole("textbox", { name: "Message" }).press("Enter");
    const fromB = a.locator('[data-testid="user-message"]', { hasText: "Hello from B" });
    await fromB.waitFor({ timeout: 20_000 });
    const replyId = await a.locator(answers).nth(before).getAttribute("data-message-id", { timeout: 20_000 });
    await waitDone(a, replyId ?? "");
    await waitDone(b, replyId ?? "");
    expect((await answerState(b, replyId ?? ""))?.text).toBe((await answerState(a, replyId ?? ""))?.text);
    await expect.poll(() => a.getByTestId("typing").textContent(), { timeout: 10_000 }).toBe("");
    expect(pageErrors).toEqual([]);
  });
});
