/**
 * No prompt is lost (issue #17, item 1), against the real worker (vite dev, demo model) with the
 * demo's rate limit set to two messages per 40 s: a refused prompt comes back into the composer
 * (and survives a reload), the hint says once, with a true number, when sending works again, the
 * composer unlocks by itself then and the prompt goes through; a typed draft is kept per chat
 * (and on the new-chat screen) across reloads, and cleared once the room has accepted it; a refused
 * edit opens its edit box again with the edited text; the model picker, with only the demo set up,
 * says how to add providers.
 * Screenshots of the refused state: docs/screenshots/refused-prompt-{light,dark}.png.
 */
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");
const WINDOW_SECONDS = 40;

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const answers = `[data-testid="assistant-message"]`;
const composer = () => page.getByRole("textbox", { name: "Message" });
const sendButton = () => page.getByRole("button", { name: "Send" });
const userBubbles = (text: string) => page.getByTestId("user-message").filter({ hasText: text });

async function sendAndFinish(prompt: string): Promise<void> {
  const before = await page.locator(answers).count();
  await composer().fill(prompt);
  await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
  await composer().press("Enter");
  await page.locator(`${answers}:not([data-status="streaming"])`).nth(before).waitFor({ timeout: 30_000 });
}

/** The limit hint's text, and the number of seconds it gives. */
async function hintSeconds(): Promise<{ text: string; seconds: number }> {
  // Before the refusal the same place may say "0 requests left".
  const hint = page.getByTestId("limit-hint").filter({ hasText: "send again" });
  await hint.waitFor({ timeout: 10_000 });
  const text = (await hint.textContent()) ?? "";
  const match = /You can send again in (\d+) seconds?\./.exec(text);
  return { text, seconds: match ? Number(match[1]) : NaN };
}

beforeAll(async () => {
  server = await startDevServer({
    env: {
      DEMO_TOKEN_DELAY_MS: "5",
      DEMO_RATE_LIMIT: "2",
      DEMO_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
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

describe("a refused prompt is kept", () => {
  let chatA = "";

  it("comes back into the composer with one true reset sentence, survives a reload, and sends after the reset", async () => {
    await page.goto(`${server.url}/`);
    await sendAndFinish("First question");
    await page.waitForURL(/\/c\/[^/]+$/);
    chatA = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    await sendAndFinish("Second question");

    const refused = "Third question, which the limit refuses";
    await composer().fill(refused);
    const sentAt = Date.now();
    await composer().press("Enter");
    const { text, seconds } = await hintSeconds();
    // One sentence about the wait, and its number is the real one (the window is 40 s).
    expect(text).not.toMatch(/Try again|resets/);
    expect(text.match(/again/g)).toHaveLength(1);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    // The prompt is back where it can be edited, copied or sent again; no dead bubble is left.
    await expect.poll(() => composer().inputValue()).toBe(refused);
    expect(await userBubbles(refused).count()).toBe(0);
    expect(await sendButton().isDisabled()).toBe(true);

    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SCREENSHOTS, "refused-prompt-light.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SCREENSHOTS, "refused-prompt-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });

    // A reload keeps it.
    await page.reload();
    await expect.poll(() => composer().inputValue(), { timeout: 10_000 }).toBe(refused);

    // Sent again before the reset: refused again, and back again.
    await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
    await composer().press("Enter");
    const again = await hintSeconds();
    expect(again.seconds).toBeLessThanOrEqual(
      Math.ceil((sentAt + WINDOW_SECONDS * 1000 - Date.now()) / 1000) + 1,
    );
    await expect.poll(() => composer().inputValue()).toBe(refused);

    // The lock lifts by itself when the window resets, and the prompt goes through.
    await expect
      .poll(() => sendButton().isEnabled(), { timeout: (again.seconds + 5) * 1000, interval: 500 })
      .toBe(true);
    // A prompt in an open chat shows in the first frame after Enter, as a new chat's does.
    expect(await bubbleFrameAfterEnter(refused)).toEqual({ bubble: true, path: `/c/${chatA}` });
    await userBubbles(refused).waitFor({ timeout: 10_000 });
    await page.locator(`${answers}:not([data-status="streaming"])`).nth(2).waitFor({ timeout: 30_000 });
    expect(await composer().inputValue()).toBe("");
    // Accepted: the stored draft is gone too.
    await page.reload();
    await userBubbles(refused).waitFor({ timeout: 10_000 });
    expect(await composer().inputValue()).toBe("");
  });

  it("keeps a typed draft per chat, and one on the new-chat screen, across reloads", async () => {
    // A second chat, made without a message (the demo's window is used up again).
    const chatB = await page.evaluate(async () => {
      const response = await fetch("/api/v1/conversations", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ model: "parley-demo" }),
      });
      return ((await response.json()) as { conversation: { id: string } }).conversation.id;
    });

    await composer().fill("Draft for the first chat");
    await page.goto(`${server.url}/c/${chatB}`);
    await composer().waitFor();
    await composer().fill("Draft for the second chat");
    await page.goto(`${server.url}/`);
    await expect.poll(() => composer().inputValue(), { timeout: 10_000 }).toBe("");
    await composer().fill("Draft for a new chat");

    await page.reload();
    await expect.poll(() => composer().inputValue(), { timeout: 10_000 }).toBe("Draft for a new chat");
    await page.goto(`${server.url}/c/${chatA}`);
    await expect.poll(() => composer().inputValue(), { timeout: 10_000 }).toBe("Draft for the first chat");
    await page.goto(`${server.url}/c/${chatB}`);
    await expect.poll(() => composer().inputValue(), { timeout: 10_000 }).toBe("Draft for the second chat");
    expect(pageErrors).toEqual([]);
  });

  it("opens a refused edit again with the edited text, and the demo-only picker says how to add providers", async () => {
    await page.goto(`${server.url}/c/${chatA}`);
    await userBubbles("First question").waitFor({ timeout: 10_000 });
    // Use up the demo's window (a refused send comes back into the composer: clear it).
    const refusedHint = page.getByTestId("limit-hint").filter({ hasText: "send again" });
    for (let i = 0; i < 3 && (await refusedHint.count()) === 0; i++) {
      const before = await page.locator(answers).count();
      await composer().fill(`Filler ${i}`);
      await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
      await composer().press("Enter");
      await expect
        .poll(
          async () =>
            (await refusedHint.count()) > 0 ||
            (await page.locator(`${answers}:not([data-status="streaming"])`).count()) > before,
          { timeout: 30_000 },
        )
        .toBe(true);
    }
    await refusedHint.waitFor();
    await composer().fill("");

    const prompt = userBubbles("First question");
    const promptId = await prompt.getAttribute("data-message-id");
    const shown = {
      prompts: await page.getByTestId("user-message").count(),
      answers: await page.locator(answers).count(),
    };
    await prompt.hover();
    await prompt.getByRole("button", { name: "Edit message" }).click();
    const editor = () => page.getByRole("textbox", { name: "Edited message" });
    const edited = "First question, rewritten while the limit holds";
    await editor().fill(edited);
    await page.getByRole("button", { name: "Save & send" }).click();

    // Refused: the prompt is as it was, and the edit box is open again with the new text in it.
    await expect.poll(() => editor().inputValue(), { timeout: 10_000 }).toBe(edited);
    // …on the same stored prompt, with the branch after it back in place.
    expect(await page.locator(`[data-message-id="${promptId}"] [data-testid="message-editor"]`).count()).toBe(
      1,
    );
    expect(await page.getByTestId("user-message").count()).toBe(shown.prompts);
    expect(await page.locator(answers).count()).toBe(shown.answers);
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SCREENSHOTS, "refused-edit-light.png") });

    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("model-picker").click();
    const hint = page.getByTestId("add-providers-hint");
    await hint.waitFor();
    expect(await hint.textContent()).toContain("Settings → API keys");
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SCREENSHOTS, "model-picker-demo-only-light.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme), { timeout: 15_000 })
      .toBe("dark");

    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SCREENSHOTS, "model-picker-demo-only-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
    await page.keyboard.press("Escape");
    expect(pageErrors).toEqual([]);
  });

  it("shows a new chat's first prompt in the same frame as Enter, and gives it back when refused", async () => {
    // Use up the demo's window in the first chat, so the new chat's room refuses its first prompt
    // (with enough of the window left for the steps below).
    await page.goto(`${server.url}/c/${chatA}`);
    await userBubbles("First question").waitFor({ timeout: 10_000 });
    const refusedHint = page.getByTestId("limit-hint").filter({ hasText: "send again" });
    const useUpWindow = async () => {
      for (let i = 0; i < 3 && (await refusedHint.count()) === 0; i++) {
        await composer().fill(`Filler again ${i}`);
        await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
        await composer().press("Enter");
        await page.waitForTimeout(500);
      }
      await refusedHint.waitFor();
    };
    await useUpWindow();
    const { seconds: left } = await hintSeconds();
    if (left < 25) {
      await composer().fill("Waiting for the window");
      await expect
        .poll(() => sendButton().isEnabled(), { timeout: (left + 5) * 1000, interval: 500 })
        .toBe(true);
      await useUpWindow();
    }
    await composer().fill("");

    const first = "A new chat's first prompt, refused by the limit";
    await page.goto(`${server.url}/`);
    await composer().fill(first);
    await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
    const painted = await bubbleFrameAfterEnter(first);
    // Drawn in the frame right after the key press, already in the new chat.
    expect(painted).toMatchObject({ bubble: true, path: expect.stringMatching(/^\/c\//) });
    const created = decodeURIComponent(painted.path.split("/").pop() ?? "");
    await expect.poll(() => composer().inputValue()).toBe(first);
    expect(await userBubbles(first).count()).toBe(0);
    expect(page.url()).toBe(`${server.url}/c/${created}`);
    expect(await conversationStatus(created)).toBe(200);

    // The network drops the `POST` that makes the chat: the prompt comes back all the same.
    const offline = "A new chat started while the network is down";
    await page.goto(`${server.url}/`);
    await composer().fill(offline);
    await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.route("**/api/v1/conversations", (route) =>
      route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue(),
    );
    const dropped = await bubbleFrameAfterEnter(offline);
    expect(dropped.bubble).toBe(true);
    const orphan = decodeURIComponent(dropped.path.split("/").pop() ?? "");
    await expect.poll(() => composer().inputValue()).toBe(offline);
    await page.getByText("could not reach the server").first().waitFor({ timeout: 10_000 });
    expect(await conversationStatus(orphan)).toBe(404);

    // Back online, Enter again makes the chat under the same id and sends the prompt to its room.
    await page.unroute("**/api/v1/conversations");
    await expect.poll(() => sendButton().isEnabled(), { timeout: 15_000 }).toBe(true);
    await composer().press("Enter");
    await expect.poll(() => conversationStatus(orphan), { timeout: 10_000 }).toBe(200);
    expect(page.url()).toBe(`${server.url}/c/${orphan}`);
    // The room answers it or (the window is still used up) refuses it back into the composer.
    await expect
      .poll(
        async () =>
          (await composer().inputValue()) === offline ||
          (await page.locator(`${answers}:not([data-status="streaming"])`).count()) === 1,
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

/**
 * Presses Enter, and reports whether the prompt's bubble was drawn in the first frame painted
 * after it (it may be gone again by the time the test looks: a refusal comes back within a frame).
 */
async function bubbleFrameAfterEnter(text: string): Promise<{ bubble: boolean; path: string }> {
  await page.evaluate((expected) => {
    const probe = window as unknown as { frameProbe?: Promise<{ bubble: boolean; path: string }> };
    probe.frameProbe = new Promise((resolve) => {
      let addedAt = Infinity;
      const isBubble = (node: Node) =>
        node instanceof Element &&
        [node, ...node.querySelectorAll('[data-testid="user-message"]')].some(
          (element) =>
            element.getAttribute("data-testid") === "user-message" && element.textContent?.includes(expected),
        );
      const observer = new MutationObserver((records) => {
        if (records.some((record) => [...record.addedNodes].some(isBubble)))
          addedAt = Math.min(addedAt, performance.now());
      });
      const onKey = (event: KeyboardEvent) => {
        if (event.key !== "Enter") return;
        window.removeEventListener("keydown", onKey, true);
        observer.observe(document.body, { childList: true, subtree: true });
        // A task posted from the next frame runs once that frame is painted: a bubble added
        // before it was in that frame.
        requestAnimationFrame(() =>
          setTimeout(() => {
            observer.disconnect();
            resolve({ bubble: performance.now() > addedAt, path: location.pathname });
          }),
        );
      };
      window.addEventListener("keydown", onKey, true);
    });
  }, text);
  await composer().press("Enter");
  return page.evaluate(
    () => (window as unknown as { frameProbe: Promise<{ bubble: boolean; path: string }> }).frameProbe,
  );
}

function conversationStatus(id: string): Promise<number> {
  return page.evaluate(
    async (conversation) => (await fetch(`/api/v1/conversations/${conversation}`)).status,
    id,
  );
}
