/**
 * API tokens in Settings against the real worker (vite dev): an account creates a token, sees its
 * secret once and copies it to the clipboard, finds it listed by prefix only, and revokes it after
 * confirming; a chat an API call made is marked in the sidebar with the token's name; an admin sees
 * a person's tokens under People and revokes one; a guest is told tokens need an account.
 * Screenshots of the section, the sidebar mark and the admin's list.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");

// This account becomes an admin once its address is confirmed (in the admin step below).
const EMAIL = `tokens-${Date.now()}@example.com`;

let confirmLink = "";
let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shoot(name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The confirmation link the worker printed for `email` (local development without mail). */
async function printedLink(email: string): Promise<string> {
  const pattern = new RegExp(`To ${email.replaceAll(".", "\\.")}: "[^"]*" — open (\\S+/verify\\?token=\\S+)`);
  for (let waited = 0; waited < 15_000; waited += 100) {
    const link = pattern.exec(server.logs())?.[1];
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no confirmation link was printed for ${email}`);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startDevServer({ env: { ADMIN_EMAILS: EMAIL } });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    colorScheme: "light",
    reducedMotion: "reduce",
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await context.addInitScript(() => localStorage.setItem("parley:model", "parley-demo"));
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const signUp = await context.request.post(`${server.url}/api/v1/auth/signup`, {
    data: {
      email: EMAIL,
      password: "correct horse battery",
      displayName: "Ada",
    },
  });
  expect(signUp.status()).toBe(200);
  // Read now: the server's log keeps only its latest lines.
  confirmLink = await printedLink(EMAIL);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("API tokens in Settings", () => {
  let secret = "";

  it("creates a token, shows its secret once and copies it", async () => {
    await page.goto(`${server.url}/settings`);
    const section = page.locator("#tokens");
    await section.getByRole("heading", { name: "API tokens" }).waitFor();
    await section.getByLabel("Name").fill("laptop script");
    await section.getByLabel("Expires").selectOption({ label: "30 days" });
    await expect(section.getByLabel(/Keep history/).isChecked()).resolves.toBe(true);
    await section.getByRole("button", { name: "Create token" }).click();

    const revealed = page.getByTestId("new-token");
    await revealed.waitFor();
    await expect(revealed.textContent()).resolves.toContain("won’t be shown again");
    secret = await revealed.getByLabel("Your new API token").inputValue();
    expect(secret).toMatch(/^pk_live_[A-Za-z0-9_-]{43}$/);

    await revealed.getByRole("button", { name: "Copy" }).click();
    await revealed.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const row = section.getByTestId("token-row");
    await expect.poll(() => row.count()).toBe(1);
    await expect(row.getByTestId("token-prefix").textContent()).resolves.toBe(`${secret.slice(0, 12)}…`);
    await expect(row.textContent()).resolves.toMatch(/laptop script.*Never used · Expires/);
    await section.scrollIntoViewIfNeeded();
    await shoot("settings-tokens-light");
  });

  it("never shows the secret again: not after Done, not after a reload, not from the API", async () => {
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByTestId("new-token").waitFor({ state: "detached" });
    await page.reload();
    await page.locator("#tokens").getByTestId("token-row").waitFor();
    expect(await page.content()).not.toContain(secret.slice(12));
    const listed = await context.request.get(`${server.url}/api/v1/tokens`);
    expect(await listed.text()).not.toContain(secret.slice(12));
  });

  it("marks a chat an API call made with the token's name in the sidebar", async () => {
    // Two real calls of the compatible API with the new token: each starts a conversation.
    const call = async (prompt: string) => {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "parley-demo", messages: [{ role: "user", content: prompt }] }),
      });
      expect(response.status).toBe(200);
      await response.json();
      return { id: response.headers.get("x-parley-conversation") ?? "" };
    };
    await call("Summarise every open pull request of this week, grouped by the team that owns it");
    const conversation = await call("Nightly report");
    await page.goto(`${server.url}/`);
    const row = page.locator(`[data-conversation-id="${conversation.id}"]`);
    await expect
      .poll(() => row.getByTestId("api-mark").textContent(), { timeout: 10_000 })
      .toBe("API · laptop script");
    await page.setViewportSize({ width: 1280, height: 600 });
    await shoot("sidebar-api-mark-light");
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it("revokes the token after a confirmation", async () => {
    await page.goto(`${server.url}/settings`);
    const section = page.locator("#tokens");
    await section.getByRole("button", { name: "Revoke laptop script" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.textContent()).resolves.toContain("“laptop script” will be refused");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => section.getByTestId("token-row").count()).toBe(0);
    await expect.poll(() => page.getByTestId("toast").first().textContent()).toContain("Revoked");
    const listed = await context.request.get(`${server.url}/api/v1/tokens`);
    expect(await listed.json()).toEqual({ tokens: [] });
  });

  it("an admin sees a person's tokens under People and revokes one", async () => {
    const made = await context.request.post(`${server.url}/api/v1/tokens`, {
      data: { name: "nightly job", keepHistory: false },
    });
    expect(made.status()).toBe(201);
    // ADMIN_EMAILS counts a confirmed address only; without mail the worker prints the link.
    await page.goto(confirmLink);
    await page.getByTestId("link-result").filter({ hasText: "confirmed" }).waitFor();
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole("button", { name: `API tokens of ${EMAIL}` }).click();
    const dialog = page.getByRole("dialog");
    const list = dialog.getByRole("list", { name: "Their API tokens" });
    await expect.poll(() => list.getByRole("listitem").count()).toBe(2);
    // Newest first; the one revoked in Settings is still listed, marked.
    await expect(list.getByRole("listitem").nth(0).textContent()).resolves.toMatch(/nightly job.*No history/);
    await expect(list.getByRole("listitem").nth(1).textContent()).resolves.toMatch(/laptop script.*Revoked/);

    await dialog.getByRole("button", { name: "Revoke nightly job" }).click();
    await dialog.getByRole("button", { name: "Confirm: revoke nightly job" }).click();
    await expect.poll(() => list.getByRole("listitem").nth(0).textContent()).toContain("Revoked");
    await shoot("admin-user-tokens");
    const audit = await context.request.get(`${server.url}/api/v1/admin/audit`);
    const { entries } = (await audit.json()) as { entries: Array<{ action: string }> };
    expect(entries.map((entry) => entry.action)).toContain("token.revoke");
  });

  it("tells a guest that tokens need an account", async () => {
    const guest = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const guestPage = await guest.newPage();
    guestPage.on("pageerror", (error) => pageErrors.push(error.message));
    await guestPage.goto(`${server.url}/settings`);
    await expect
      .poll(() => guestPage.locator("#tokens").textContent())
      .toContain("API tokens need an account");
    expect(await guestPage.locator("#tokens").getByRole("button", { name: "Create token" }).count()).toBe(0);
    await guest.close();
  });

  it("threw no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
