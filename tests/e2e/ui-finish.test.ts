/**
 * The finish of the app's chrome (issue #17: 4, 6, 7, 9, 11), in Chromium against `vite dev`:
 * a real not-found page for unknown paths, Undo that reopens the chat one deleted while in it, a
 * theme toggle that keeps "System", one initials rule and an avatar stack that does not clip, the
 * live-room sentence said once, a named connection state, and a plain no-access page at /admin.
 * Screenshots (desktop and 390 px phone, light and dark) go to $UI_SHOTS (a temp dir by default).
 */
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SHOTS = process.env.UI_SHOTS ?? path.join(os.tmpdir(), "parley-ui-finish");
const answers = '[data-testid="assistant-message"]';

let server: DevServer;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

function watch(target: Page, name: string) {
  target.on("pageerror", (error) => pageErrors.push(`${name}: ${error.message}`));
}

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  // The demo model only: tests never reach a real provider.
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  return context;
}

/** Desktop and 390 px phone, light and dark, of whatever `open` shows. */
async function shootAll(context: BrowserContext, name: string, open: (target: Page) => Promise<void>) {
  for (const [device, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    const target = await context.newPage();
    watch(target, `${name}-${device}`);
    try {
      await target.setViewportSize(viewport);
      for (const scheme of ["light", "dark"] as const) {
        await target.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
        await open(target);
        await target.waitForTimeout(250);
        await target.screenshot({ path: path.join(SHOTS, `${name}-${device}-${scheme}.png`) });
      }
    } finally {
      await target.close();
    }
  }
}

async function send(target: Page, prompt: string): Promise<string> {
  const before = await target.locator(answers).count();
  const composer = target.getByRole("textbox", { name: "Message" });
  await composer.fill(prompt);
  await expect
    .poll(() => target.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
    .toBe(true);
  await composer.press("Enter");
  const answer = target.locator(answers).nth(before);
  await answer.waitFor({ timeout: 20_000 });
  const id = (await answer.getAttribute("data-message-id")) ?? "";
  await target
    .locator(`${answers}[data-message-id="${id}"]:not([data-status="streaming"])`)
    .waitFor({ timeout: 60_000 });
  return id;
}

/**
 * For each circle of the header's avatar stack after the first: how many pixels of the previous
 * circle's letters it covers, with its ring (a box-shadow's spread).
 */
function lettersCovered(target: Page): Promise<number[]> {
  return target.getByTestId("avatar-stack").evaluate((element) => {
    const circles = [...element.querySelectorAll('[data-testid="avatar"]')];
    return circles.slice(1).map((circle, index) => {
      const range = document.createRange();
      range.selectNodeContents(circles[index]!);
      const letters = range.getBoundingClientRect();
      const spreads = [...getComputedStyle(circle).boxShadow.matchAll(/(\d+(?:\.\d+)?)px\s*(?:,|$)/g)];
      const ring = Math.max(0, ...spreads.map((match) => Number(match[1])));
      return Math.max(0, letters.right - (circle.getBoundingClientRect().left - ring));
    });
  });
}

const chatIdOf = (target: Page) => decodeURIComponent(new URL(target.url()).pathname.split("/").pop() ?? "");
const themeOf = (target: Page) => target.evaluate(() => document.documentElement.dataset.theme);
const bodyText = (target: Page) => target.evaluate(() => document.body.innerText);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "5" } });
  browser = await launchChromium();
  owner = await newContext();
  page = await owner.newPage();
  watch(page, "owner");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the app's finish", () => {
  it("says that every chat is a live room once on the empty screen, not twice", async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: /Write some code/ }).waitFor();
    await page
      .getByRole("navigation", { name: "Conversations" })
      .getByText("Your chats will appear here")
      .waitFor();
    expect((await bodyText(page)).match(/live room/gi)).toHaveLength(1);
    await shootAll(owner, "empty", async (target) => {
      await target.goto(`${server.url}/`);
      await target.getByRole("button", { name: /Write some code/ }).waitFor();
    });
  });

  it("shows a page-not-found page for an unknown path, and keeps the conversation wording for /c/:id", async () => {
    await page.goto(`${server.url}/nonsense/route`);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    const text = await page.getByTestId("page-not-found").innerText();
    expect(text).toContain("/nonsense/route");
    expect(text).not.toMatch(/conversation|someone else/i);
    await expect.poll(() => page.title()).toBe("Page not found · Parley");
    await shootAll(owner, "not-found", async (target) => {
      await target.goto(`${server.url}/nonsense/route`);
      await target.getByRole("heading", { name: "Page not found" }).waitFor();
    });

    await page.getByRole("link", { name: "Start a new chat" }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole("button", { name: /Write some code/ }).waitFor();

    await page.goto(`${server.url}/c/no-such-chat`);
    await page.getByRole("heading", { name: "Conversation not found" }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("heading", { name: "Page not found" }).count()).toBe(0);
  });

  it("brings you back to the chat you were in when you undo its delete", async () => {
    await page.goto(`${server.url}/`);
    await send(page, "A chat I will delete and then want back.");
    await page.waitForURL(/\/c\/[^/]+$/);
    const chatId = chatIdOf(page);
    const row = page.locator(`[data-conversation-id="${chatId}"]`);
    await row.waitFor();
    await row.hover();
    await row.getByRole("button", { name: /Options for/ }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${server.url}/`);
    await row.waitFor({ state: "detached" });

    const toast = page.getByTestId("toast").filter({ hasText: "Conversation deleted" });
    await toast.getByRole("button", { name: "Undo" }).click();
    await page.waitForURL(`${server.url}/c/${chatId}`, { timeout: 10_000 });
    await page.locator(answers).first().waitFor({ timeout: 20_000 });
    await row.waitFor();
    expect(await page.getByTestId("not-found").count()).toBe(0);
  });

  it("names the connection state on the dot: on hover, for screen readers, and offline", async () => {
    const dot = page.getByTestId("connection");
    await expect.poll(() => dot.getAttribute("data-state"), { timeout: 20_000 }).toBe("connected");
    expect(await dot.getAttribute("aria-label")).toMatch(/^Connected/);
    const tooltip = page.getByTestId("connection-tooltip");
    expect(await tooltip.isVisible()).toBe(false);
    await dot.hover();
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toMatch(/^Connected/);
    await shootAll(owner, "connection-tooltip", async (target) => {
      await target.goto(page.url());
      const shown = target.getByTestId("connection");
      await expect.poll(() => shown.getAttribute("data-state"), { timeout: 20_000 }).toBe("connected");
      await shown.hover();
      await target.getByTestId("connection-tooltip").waitFor({ state: "visible" });
    });

    // The network goes away: the dot says so at once (the socket may take a while to notice).
    await owner.setOffline(true);
    try {
      await expect.poll(() => dot.getAttribute("data-state"), { timeout: 30_000 }).toBe("offline");
      expect(await dot.getAttribute("aria-label")).toMatch(/^Offline/);
      expect(await dot.textContent()).toContain("Offline");
    } finally {
      await owner.setOffline(false);
    }
    await expect.poll(() => dot.getAttribute("data-state"), { timeout: 30_000 }).toBe("connected");
  });

  it("steps the theme toggle through system, light and dark, and System follows the device", async () => {
    const context = await newContext();
    const target = await context.newPage();
    watch(target, "theme");
    try {
      await target.goto(`${server.url}/`);
      const toggle = target.getByTestId("theme-toggle");
      await toggle.waitFor();
      const choice = () => toggle.getAttribute("data-theme-choice");
      const saved = () => target.evaluate(() => localStorage.getItem("parley:theme"));
      // The device is light: the first step is Light, stored as such; the button says so.
      await toggle.click();
      expect([await saved(), await themeOf(target)]).toEqual(["light", "light"]);
      expect(await choice()).toBe("light");
      expect(await toggle.getAttribute("aria-label")).toMatch(/^Theme: Light\. Switch to Dark/);

      await toggle.click();
      expect([await choice(), await saved(), await themeOf(target)]).toEqual(["dark", "dark", "dark"]);

      await toggle.click();
      expect([await choice(), await saved(), await themeOf(target)]).toEqual(["system", "system", "light"]);
      expect(await toggle.getAttribute("title")).toMatch(/^Theme: System/);
      await target.emulateMedia({ colorScheme: "dark" });
      await expect.poll(() => themeOf(target)).toBe("dark");
      await target.reload();
      await toggle.waitFor();
      expect([await choice(), await themeOf(target)]).toEqual(["system", "dark"]);
      await target.emulateMedia({ colorScheme: "light" });
      await expect.poll(() => themeOf(target)).toBe("light");
    } finally {
      await context.close();
    }
  });

  it("tells a guest and a signed-in non-admin at /admin that they have no access, without operator hints", async () => {
    const check = async () => {
      await page.goto(`${server.url}/admin`);
      await page.getByRole("heading", { name: "You don’t have access" }).waitFor();
      expect(await bodyText(page)).not.toMatch(/ADMIN_EMAILS|operator/);
      expect(await page.getByRole("tab").count()).toBe(0);
    };
    await check();
    expect(await page.getByTestId("admin-no-access").getByRole("button", { name: "Sign in" }).count()).toBe(
      1,
    );

    // Signs up (keeping the guest's chats) as Nina Tester: the avatar test below goes on from here.
    await page.getByTestId("sign-in-button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Create account" }).click();
    await dialog.getByLabel(/Name/).fill("Nina Tester");
    await dialog.getByLabel("Email").fill("nina@example.com");
    await dialog.getByLabel("Password").fill("correct horse battery");
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("account-button").textContent()).toContain("Nina Tester");
    await check();
    expect(await page.getByTestId("admin-no-access").getByRole("button", { name: "Sign in" }).count()).toBe(
      0,
    );
    await shootAll(owner, "admin-no-access", async (target) => {
      await target.goto(`${server.url}/admin`);
      await target.getByRole("heading", { name: "You don’t have access" }).waitFor();
    });
  });

  it("draws one person with the same initials everywhere, in a stack whose circles do not clip", async () => {
    await page.goto(`${server.url}/`);
    await send(page, "A chat to share with a guest.");
    await page.waitForURL(/\/c\/[^/]+$/);
    const chatUrl = page.url();
    await page.getByRole("button", { name: "Share", exact: true }).click();
    const dialog = page.getByTestId("share-dialog");
    await dialog.getByRole("button", { name: "Create link" }).click();
    const link = await dialog.getByTestId("share-link").inputValue();
    await page.keyboard.press("Escape");

    const guestContext = await newContext();
    try {
      const guest = await guestContext.newPage();
      watch(guest, "guest");
      await guest.goto(link);
      await guest.getByTestId("read-only").waitFor({ timeout: 20_000 });

      const stack = page.getByTestId("avatar-stack");
      const avatars = stack.getByTestId("avatar");
      await expect.poll(() => avatars.count(), { timeout: 20_000 }).toBe(2);
      expect(await avatars.allTextContents()).toEqual(["G", "NT"]);
      expect(await avatars.evaluateAll((all) => all.map((a) => a.getAttribute("title")))).toEqual([
        "Guest",
        "Nina Tester (you)",
      ]);
      // In both people's headers no circle (with its ring) reaches over the letters of the one
      // before it: on the guest's side the owner's "NT" comes first, their own "G" on top of it.
      const guestAvatars = guest.getByTestId("avatar-stack").getByTestId("avatar");
      await expect.poll(() => guestAvatars.allTextContents(), { timeout: 20_000 }).toEqual(["NT", "G"]);
      for (const target of [page, guest]) {
        expect(await lettersCovered(target)).toEqual([0]);
      }

      const accountLetters = page.getByTestId("account-button").locator("span").first();
      expect(await accountLetters.textContent()).toBe("NT");
      await shootAll(owner, "presence", async (target) => {
        await target.goto(chatUrl);
        await expect
          .poll(() => target.getByTestId("avatar-stack").getByTestId("avatar").count(), { timeout: 20_000 })
          .toBe(2);
      });

      await page.goto(`${server.url}/settings`);
      await page.getByTestId("account-email").waitFor();
      const settingsLetters = page.locator("section#account span[aria-hidden]").first();
      expect(await settingsLetters.textContent()).toBe("NT");
    } finally {
      await guestContext.close();
    }
  });

  it("threw no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
