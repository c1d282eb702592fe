/**
 * Accounts and own keys in the product UI against the real worker (vite dev): a guest chats and
 * signs up keeping the chat; a second browser signs in to the same account and sees it; signing out
 * there removes it from the sidebar and from the local cache; Settings saves a provider key and
 * shows only its last four characters; screenshots of the sign-in dialog and of Settings.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");

const EMAIL = `ada-${Date.now()}@example.com`;
const PASSWORD = "correct horse battery";
const API_KEY = "sk-e2e-test-key-0123456789-abcdefWXYZ";

let server: DevServer;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let a: Page;
let b: Page;
const pageErrors: string[] = [];

const answers = `[data-testid="assistant-message"]`;
const row = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);

async function newContext(colorScheme: "light" | "dark"): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme,
    reducedMotion: "reduce",
  });
  // Tests never reach a real provider: the demo model is chosen.
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  return context;
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return page;
}

async function shoot(page: Page, name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The keys the local cache (IndexedDB) holds, and the conversation ids in its list. */
function localCache(page: Page): Promise<{ keys: string[]; listed: string[] }> {
  return page.evaluate(
    () =>
      new Promise<{ keys: string[]; listed: string[] }>((resolve) => {
        const open = indexedDB.open("parley", 1);
        open.onsuccess = () => {
          const store = open.result.transaction("kv").objectStore("kv");
          const keys = store.getAllKeys();
          const list = store.get("conversations");
          list.onsuccess = () => {
            const listed = Array.isArray(list.result)
              ? (list.result as { id: string }[]).map((c) => c.id)
              : [];
            resolve({ keys: keys.result.map(String), listed });
            open.result.close();
          };
        };
      }),
  );
}

async function fillAuth(page: Page, mode: "Sign in" | "Create account") {
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByRole("tab", { name: mode }).click();
  await dialog.getByLabel("Email").fill(EMAIL);
  await dialog.getByLabel("Password").fill(PASSWORD);
  return dialog;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startDevServer({ env: { DEMO_TOKEN_DELAY_MS: "5" } });
  browser = await launchChromium();
  contextA = await newContext("light");
  contextB = await newContext("dark");
  a = await newPage(contextA);
  b = await newPage(contextB);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("accounts", () => {
  let chatId = "";

  it("a guest chats, then signs up and keeps the chat", async () => {
    await a.goto(`${server.url}/`);
    const composer = a.getByRole("textbox", { name: "Message" });
    await composer.fill("Plan a weekend in Lisbon");
    await expect
      .poll(() => a.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
      .toBe(true);
    await composer.press("Enter");
    await a.waitForURL(/\/c\/[^/]+$/);
    chatId = decodeURIComponent(new URL(a.url()).pathname.split("/").pop() ?? "");
    await a.locator(`${answers}:not([data-status="streaming"])`).first().waitFor({ timeout: 60_000 });
    await row(a, chatId).waitFor();

    await a.getByTestId("sign-in-button").click();
    const dialog = await fillAuth(a, "Create account");
    await dialog.getByLabel(/Name/).fill("Ada Lovelace");
    await expect(dialog.getByLabel("Password").getAttribute("autocomplete")).resolves.toBe("new-password");
    await shoot(a, "sign-up-light");
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });

    await expect.poll(() => a.getByTestId("account-button").textContent()).toContain("Ada Lovelace");
    await expect.poll(() => a.getByTestId("toast").first().textContent()).toMatch(/Welcome to Parley/);
    // Same chat, same page, still in the sidebar.
    await row(a, chatId).waitFor();
    expect(a.url()).toContain(`/c/${chatId}`);
    await a.locator(answers).first().waitFor();
  });

  it("another browser signs in to the same account and sees the chat; signing out there removes it", async () => {
    await b.goto(`${server.url}/`);
    await b.getByRole("button", { name: /Write some code/ }).waitFor();
    await b.getByTestId("sign-in-button").click();
    const dialog = await fillAuth(b, "Sign in");
    // A wrong password first: an inline alert, still open.
    await dialog.getByLabel("Password").fill("not the password");
    await dialog.getByLabel("Password").press("Enter");
    await dialog.getByRole("alert").waitFor();
    await expect(dialog.getByRole("alert").textContent()).resolves.toMatch(/do not match/);
    await shoot(b, "sign-in-dark");
    await dialog.getByLabel("Password").fill(PASSWORD);
    // Typing again clears the complaint.
    await dialog.getByRole("alert").waitFor({ state: "detached" });
    await expect(dialog.getByLabel("Password").getAttribute("autocomplete")).resolves.toBe(
      "current-password",
    );
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });

    await row(b, chatId).waitFor({ timeout: 10_000 });
    await row(b, chatId).locator("a").click();
    await b.waitForURL(new RegExp(`/c/${chatId}$`));
    await expect
      .poll(() => b.getByTestId("user-message").first().textContent(), {
        timeout: 10_000,
      })
      .toContain("Lisbon");
    // Seen here, so cached here (the room saves a moment after it settles).
    await expect
      .poll(async () => (await localCache(b)).keys, { timeout: 10_000 })
      .toContain(`chat:${chatId}`);

    await b.getByTestId("account-button").click();
    await b.getByRole("menuitem", { name: "Sign out", exact: true }).click();
    await b.getByTestId("sign-in-button").waitFor();
    await row(b, chatId).waitFor({ state: "detached" });
    await b.waitForURL(`${server.url}/`);
    // Nothing of the account stays behind in this browser, not even after a reload.
    await expect
      .poll(async () => {
        const cache = await localCache(b);
        return cache.keys.includes(`chat:${chatId}`) || cache.listed.includes(chatId);
      })
      .toBe(false);
    await b.reload();
    await b.getByRole("button", { name: /Write some code/ }).waitFor();
    await b.getByTestId("sign-in-button").waitFor();
    await b.waitForTimeout(500);
    expect(await row(b, chatId).count()).toBe(0);
    const chat = await contextB.request.get(`${server.url}/api/v1/conversations/${chatId}`);
    expect(chat.status()).toBe(404);
  });

  it("Settings saves an own key and shows only its last four characters", async () => {
    await a.getByTestId("account-button").click();
    await a.getByRole("menuitem", { name: "Sign out everywhere" }).waitFor();
    await shoot(a, "account-menu-light");
    await a.getByRole("menuitem", { name: "Settings" }).click();
    await a.waitForURL(`${server.url}/settings`);
    await expect.poll(() => a.getByTestId("account-email").textContent()).toBe(EMAIL);

    const openai = a.getByTestId("key-row-openai");
    await openai.getByRole("button", { name: "Add your OpenAI key" }).click();
    const input = openai.getByLabel("OpenAI API key");
    await expect(input.getAttribute("type")).resolves.toBe("password");
    await input.fill(API_KEY);
    await input.press("Enter");
    await expect.poll(() => openai.getByTestId("key-mask").textContent()).toBe("••••WXYZ");
    await expect.poll(() => a.getByTestId("toast").first().textContent()).toContain("••••WXYZ");
    expect(await a.evaluate(() => document.body.innerText)).not.toContain(API_KEY);
    expect(await a.content()).not.toContain(API_KEY);
    expect(await a.evaluate(() => [...document.querySelectorAll("input")].map((i) => i.value))).not.toContain(
      API_KEY,
    );
    const keys = await contextA.request.get(`${server.url}/api/v1/keys`);
    expect(await keys.text()).not.toContain(API_KEY);

    // This month's usage includes the guest's answer, now the account's.
    await expect.poll(() => a.getByTestId("usage").textContent()).toContain("Parley Demo");

    await a.setViewportSize({ width: 1280, height: 1880 });
    await a.locator("main .overflow-y-auto").evaluate((el) => el.scrollTo(0, 0));
    await a.getByTestId("toast").first().waitFor({ state: "detached", timeout: 10_000 });
    await shoot(a, "settings-account-light");
    await a.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => a.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await shoot(a, "settings-account-dark");
    await a.emulateMedia({ colorScheme: "light" });
    await a.setViewportSize({ width: 1280, height: 800 });

    // A wrong current password is shown under its field.
    await a.getByLabel("Current password").fill("wrong password");
    await a.getByLabel("New password").fill("another good one");
    await a.getByRole("button", { name: "Change password" }).click();
    await a.getByText("The current password is not right.").waitFor();
    await expect(a.getByLabel("Current password").getAttribute("aria-invalid")).resolves.toBe("true");
    // The right one changes it (and this browser stays signed in).
    await a.getByLabel("Current password").fill(PASSWORD);
    await a.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => a.getByTestId("toast").first().textContent()).toContain("Password changed");
    await expect.poll(() => a.getByTestId("account-email").textContent()).toBe(EMAIL);

    await openai.getByRole("button", { name: "Remove your OpenAI key" }).click();
    await expect.poll(() => openai.textContent()).toContain("Not set");
  });

  it("a guest is asked to sign in for keys", async () => {
    await b.goto(`${server.url}/settings`);
    await b.getByRole("heading", { name: "API keys" }).waitFor();
    await expect
      .poll(() => b.locator("#keys").textContent())
      .toContain("Sign in to bring your own provider keys");
    await b.setViewportSize({ width: 1280, height: 1300 });
    await shoot(b, "settings-guest-dark");
  });

  it("signing out everywhere on one browser signs the other out at once, without a reload", async () => {
    await b.setViewportSize({ width: 1280, height: 800 });
    await b.goto(`${server.url}/`);
    await b.getByTestId("sign-in-button").click();
    const dialog = b.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Sign in" }).click();
    await dialog.getByLabel("Email").fill(EMAIL);
    // The password was changed in Settings above.
    await dialog.getByLabel("Password").fill("another good one");
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });
    await row(b, chatId).locator("a").click();
    await b.waitForURL(new RegExp(`/c/${chatId}$`));
    await b.getByTestId("user-message").first().waitFor();

    await a.getByTestId("account-button").click();
    await a.getByRole("menuitem", { name: "Sign out everywhere" }).click();
    await a.getByTestId("sign-in-button").waitFor();

    // The other browser hears it from its open sockets: it leaves the account's chat and says why.
    await b.waitForURL(`${server.url}/`, { timeout: 10_000 });
    await b.getByTestId("sign-in-button").waitFor();
    await expect
      .poll(() => b.getByTestId("toast").allTextContents())
      .toContain("You were signed out on this device.");
    await row(b, chatId).waitFor({ state: "detached" });
  });

  it("threw no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
