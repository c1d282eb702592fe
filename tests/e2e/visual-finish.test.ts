/**
 * The visual finish, in Debian's Chromium:
 * - toasts never cover the composer: the welcome toast after sign-up on a 1280×800 laptop (it used
 *   to sit on the Send button), and on a phone a toast raised while the composer has grown with
 *   file chips;
 * - text is drawn with Parley's own fonts (Inter, JetBrains Mono for code), not with whatever the
 *   system has (DejaVu here).
 */
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

let server: DevServer;
let browser: Browser;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(page: Page, selector: string): Promise<Box> {
  const found = await page.locator(selector).first().boundingBox();
  if (!found) throw new Error(`${selector} is not on screen`);
  return found;
}

/** The composer's card (text, chips, Send) and every toast on screen. */
async function composerAndToasts(page: Page): Promise<{ composer: Box; toasts: Box[] }> {
  const composer = await box(page, "form:has(#composer)");
  const toasts: Box[] = [];
  for (const toast of await page.getByTestId("toast").all()) {
    const found = await toast.boundingBox();
    if (found) toasts.push(found);
  }
  return { composer, toasts };
}

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The font families Chromium actually drew a node's text with (not what CSS asked for). */
async function fontsDrawn(page: Page, selector: string): Promise<string[]> {
  // `familyName` is the name inside the font file; `isCustomFont` says it came from @font-face.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument");
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  await cdp.detach();
  return fonts.map((font) => `${font.familyName}${font.isCustomFont ? " (web font)" : ""}`);
}

describe("toasts and the composer", () => {
  it("the welcome toast after sign-up leaves Send free on a 1280×800 screen", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      reducedMotion: "reduce",
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId("sign-in-button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Create account" }).click();
    await dialog.getByLabel("Email").fill(`toast-${Date.now()}@example.com`);
    await dialog.getByLabel("Password").fill("correct horse battery");
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("toast").first().waitFor();

    const { composer, toasts } = await composerAndToasts(page);
    expect(toasts).toHaveLength(1);
    expect(overlaps(toasts[0]!, composer)).toBe(false);
    // Send itself is clickable: nothing sits on top of its centre.
    const send = await box(page, 'button[aria-label="Send"]');
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest("button")?.getAttribute("aria-label") ?? null,
      [send.x + send.width / 2, send.y + send.height / 2],
    );
    expect(onTop).toBe("Send");
    await context.close();
  });

  it("on a phone, a toast stays above a composer grown by file chips", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      reducedMotion: "reduce",
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole("textbox", { name: "Message" }).fill("Line one\nLine two\nLine three\nLine four");
    const before = await box(page, "form:has(#composer)");
    // One file more than a message takes: eight chips, and a toast saying one was left out.
    const files = Array.from({ length: 9 }, (_, index) => ({
      name: `note-${index + 1}.txt`,
      mimeType: "text/plain",
      buffer: Buffer.from(`note ${index + 1}`),
    }));
    await page.getByTestId("attach-input").setInputFiles(files);
    await expect
      .poll(() => page.getByTestId("toast").first().textContent(), { timeout: 10_000 })
      .toMatch(/left out/);

    await expect
      .poll(async () => (await box(page, "form:has(#composer)")).height)
      .toBeGreaterThan(before.height);
    const { composer, toasts } = await composerAndToasts(page);
    expect(toasts.length).toBeGreaterThan(0);
    for (const toast of toasts) expect(overlaps(toast, composer)).toBe(false);
    await context.close();
  });
});

describe("typography", () => {
  it("draws prose in Inter and code in JetBrains Mono, self-hosted", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      reducedMotion: "reduce",
    });
    const page = await context.newPage();
    const fontRequests: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "font") fontRequests.push(new URL(request.url()).host);
    });
    await page.goto(`${server.url}/`);
    const composer = page.getByRole("textbox", { name: "Message" });
    await composer.fill("Show me some TypeScript, please.");
    await expect
      .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
      .toBe(true);
    await composer.press("Enter");
    const answer = page.locator('[data-testid="assistant-message"]:not([data-status="streaming"])').first();
    await answer.waitFor({ timeout: 60_000 });
    // Highlighted tokens: the spans that hold the code's own text.
    await answer.locator(".code-block .shiki-token").first().waitFor({ timeout: 20_000 });
    await page.evaluate(() => document.fonts.ready);

    await expect
      .poll(() => fontsDrawn(page, '[data-testid="assistant-message"] p'), { timeout: 10_000 })
      .toEqual(["Inter (web font)"]);
    await expect
      .poll(() => fontsDrawn(page, '[data-testid="assistant-message"] .code-block .shiki-token'), {
        timeout: 10_000,
      })
      .toEqual(["JetBrains Mono (web font)"]);
    // Served by Parley itself: no font comes from another host.
    expect(fontRequests.length).toBeGreaterThan(0);
    expect(new Set(fontRequests)).toEqual(new Set([new URL(server.url).host]));
    await context.close();
  });
});
