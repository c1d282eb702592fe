/**
 * Account mail in the product UI against the real worker (vite dev), its mail going to the fake
 * HTTP mail API (tests/fake-upstream/mail.ts): a new account sees the "confirm your email" banner,
 * asks for another link (refused within the minute, sent after it) and follows it from the mail,
 * and a link opened in a browser where no one is signed in asks to sign in first;
 * "Forgot password?" mails a link whose page sets a new password and signs the browser in; the
 * email address changes from Settings once the link sent to the new one is followed; a sign-up
 * with a taken address says to check the mail. Screenshots: docs/screenshots/{verify-banner-light,
 * email-confirmed-light,forgot-password-dark,reset-password-dark,change-email-light}.png.
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/server.ts";
import { repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SCREENSHOTS = path.join(repoRoot, "docs", "screenshots");
const stamp = Date.now().toString(36);
const EMAIL = `grace-${stamp}@example.com`;
const NEW_EMAIL = `grace.hopper-${stamp}@example.org`;
const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a better horse battery";

let upstream: FakeUpstream;
let server: DevServer;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let a: Page;
let b: Page;
const pageErrors: string[] = [];

interface SentMail {
  to: string;
  subject: string;
  text: string;
}

/** Waits for mail number `count` to `to` and returns it. */
async function nthMail(to: string, count: number): Promise<SentMail> {
  let mails: SentMail[] = [];
  await expect
    .poll(
      async () => {
        const response = await fetch(`${upstream.url}/mail/outbox?to=${encodeURIComponent(to)}`);
        mails = ((await response.json()) as { messages: SentMail[] }).messages;
        return mails.length;
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return mails[count - 1]!;
}

/** The link to one of the app's pages in a mail. */
function linkIn(mail: SentMail, page: "/verify" | "/reset" | "/email"): string {
  const link = new RegExp(`https?://[^\\s]+${page}\\?token=[A-Za-z0-9_%-]+`).exec(mail.text)?.[0];
  if (!link) throw new Error(`no ${page} link in "${mail.subject}":\n${mail.text}`);
  return link;
}

function toast(page: Page, text: string | RegExp) {
  return page.getByTestId("toast").filter({ hasText: text });
}

async function newContext(colorScheme: "light" | "dark"): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme,
    reducedMotion: "reduce",
  });
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

/** Moves this address's mailed-link rows a minute and a bit into the past (the resend throttle). */
async function ageLinks(email: string) {
  await promisify(execFile)(
    "npx",
    [
      "wrangler",
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      server.stateDir,
      "--command",
      `UPDATE email_tokens SET created_at = created_at - 61000 WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`,
    ],
    { cwd: repoRoot, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  upstream = await startFakeUpstream();
  server = await startDevServer({
    env: {
      DEMO_TOKEN_DELAY_MS: "5",
      MAIL_API_URL: `${upstream.url}/mail/send`,
      MAIL_API_KEY: "test-mail-key",
      MAIL_FROM: "parley@example.com",
    },
  });
  browser = await launchChromium();
  contextA = await newContext("light");
  contextB = await newContext("dark");
  a = await newPage(contextA);
  b = await newPage(contextB);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await upstream?.close();
});

describe("account mail", () => {
  it("a new account sees the banner, asks for another link and confirms the address from the mail", async () => {
    await a.goto(`${server.url}/`);
    await a.getByTestId("sign-in-button").click();
    const dialog = a.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Create account" }).click();
    await dialog.getByLabel(/Name/).fill("Grace Hopper");
    await dialog.getByLabel("Email").fill(EMAIL);
    await dialog.getByLabel("Password").fill(PASSWORD);
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });

    const banner = a.getByTestId("verify-banner");
    await banner.filter({ hasText: EMAIL }).waitFor();
    const first = await nthMail(EMAIL, 1);
    expect(first.subject).toMatch(/Confirm your email/);

    // Within the minute, another link is refused politely.
    await banner.getByRole("button", { name: "Get a new link" }).click();
    await toast(a, /a moment ago/).waitFor();
    // That limit is the mail's, not the chat's: the composer says nothing about a request limit.
    expect(await a.getByText(/request limit/).count()).toBe(0);
    await expect.poll(() => a.getByTestId("toast").count(), { timeout: 15_000 }).toBe(0);
    await shoot(a, "verify-banner-light");
    await ageLinks(EMAIL);
    await banner.getByRole("button", { name: "Get a new link" }).click();
    await toast(a, `We sent an email to ${EMAIL}`).waitFor();
    const second = await nthMail(EMAIL, 2);

    await a.goto(linkIn(second, "/verify"));
    await a.getByTestId("link-result").filter({ hasText: "Your email address is confirmed" }).waitFor();
    // The token is out of the address bar once used.
    expect(new URL(a.url()).search).toBe("");
    await shoot(a, "email-confirmed-light");
    await a.getByRole("button", { name: "Start a chat" }).click();
    await a.getByRole("textbox", { name: "Message" }).waitFor();
    expect(await banner.count()).toBe(0);
  });

  it("a link opened where no one is signed in asks to sign in first, then confirms", async () => {
    // As on a phone where the mail is read: the first link is still unused.
    const phone = await newPage(await newContext("light"));
    await phone.goto(linkIn(await nthMail(EMAIL, 1), "/verify"));
    await phone.getByTestId("link-sign-in").waitFor();
    await phone.getByTestId("link-sign-in").getByRole("button", { name: "Sign in" }).click();
    const dialog = phone.getByRole("dialog");
    await dialog.getByLabel("Email").fill(EMAIL);
    await dialog.getByLabel("Password").fill(PASSWORD);
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });
    await phone.getByTestId("link-result").filter({ hasText: "Your email address is confirmed" }).waitFor();
    await phone.context().close();
  });

  it("'Forgot password?' mails a link whose page sets a new password and signs this browser in", async () => {
    await b.goto(`${server.url}/`);
    await b.getByTestId("sign-in-button").click();
    const dialog = b.getByRole("dialog");
    await dialog.getByLabel("Email").fill(EMAIL);
    await dialog.getByRole("button", { name: "Forgot password?" }).click();
    await dialog.getByRole("heading", { name: "Reset your password" }).waitFor();
    await expect(dialog.getByLabel("Email").inputValue()).resolves.toBe(EMAIL);
    await dialog.getByRole("button", { name: "Send reset link" }).click();
    await dialog.getByRole("heading", { name: "Check your email" }).waitFor();
    await shoot(b, "forgot-password-dark");
    await dialog.getByRole("button", { name: "Close" }).click();

    const mail = await nthMail(EMAIL, 3);
    expect(mail.subject).toMatch(/Reset your Parley password/);
    await b.goto(linkIn(mail, "/reset"));
    const field = b.getByLabel("New password", { exact: true });
    await field.waitFor();
    await shoot(b, "reset-password-dark");
    await field.fill("short");
    await field.press("Enter");
    await b.getByText("Use at least 8 characters.").waitFor();
    await field.fill(NEW_PASSWORD);
    await field.press("Enter");

    await b.waitForURL(`${server.url}/`);
    await b.getByTestId("account-button").filter({ hasText: "Grace Hopper" }).waitFor();
    await toast(b, /password is changed/).waitFor();
    // Every other device was signed out at once: the first browser says so, without a reload.
    await a.getByTestId("sign-in-button").waitFor({ timeout: 15_000 });
    await toast(a, "You were signed out on this device.").waitFor();
    // The link worked once: opening it again offers a new one.
    await b.goto(linkIn(mail, "/reset"));
    await b.getByLabel("New password", { exact: true }).fill("yet another password");
    await b.getByLabel("New password", { exact: true }).press("Enter");
    await b.getByRole("button", { name: "Ask for a new link" }).waitFor();
  });

  it("changes the email address in Settings once the link sent to the new one is followed", async () => {
    // The reset signed this browser out: back in with the new password.
    await a.getByTestId("sign-in-button").click();
    const dialog = a.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Sign in" }).click();
    await dialog.getByLabel("Email").fill(EMAIL);
    await dialog.getByLabel("Password").fill(NEW_PASSWORD);
    await dialog.getByLabel("Password").press("Enter");
    await dialog.waitFor({ state: "detached" });
    await a.goto(`${server.url}/settings`);
    await a.getByTestId("account-email").filter({ hasText: EMAIL }).waitFor();
    await a.getByLabel("New email").fill(NEW_EMAIL);
    await a.getByLabel("Your password").fill(NEW_PASSWORD);
    await a.getByRole("button", { name: "Send confirmation link" }).click();
    await a.getByTestId("change-email-sent").filter({ hasText: NEW_EMAIL }).waitFor();
    await a.getByRole("heading", { name: "Change email" }).scrollIntoViewIfNeeded();
    await shoot(a, "change-email-light");
    // Nothing changes until the link is followed.
    expect(await a.getByTestId("account-email").textContent()).toBe(EMAIL);

    const mail = await nthMail(NEW_EMAIL, 1);
    await a.goto(linkIn(mail, "/email"));
    await a.getByTestId("link-result").filter({ hasText: NEW_EMAIL }).waitFor();
    await a.goto(`${server.url}/settings`);
    await a.getByTestId("account-email").filter({ hasText: NEW_EMAIL }).waitFor();
    expect((await nthMail(EMAIL, 4)).subject).toMatch(/was changed/);
  });

  it("a sign-up with a taken address says to check the mail and stays a guest", async () => {
    // The note carries a reset link, and this account had one mailed within the minute.
    await ageLinks(NEW_EMAIL);
    const page = await newPage(await newContext("light"));
    await page.goto(`${server.url}/`);
    await page.getByTestId("sign-in-button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("tab", { name: "Create account" }).click();
    await dialog.getByLabel("Email").fill(NEW_EMAIL);
    await dialog.getByLabel("Password").fill("someone else's password");
    await dialog.getByLabel("Password").press("Enter");
    await dialog.getByRole("heading", { name: "Check your email" }).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.getByTestId("sign-in-button").waitFor();
    const owner = await nthMail(NEW_EMAIL, 2);
    expect(owner.subject).toMatch(/You already have a Parley account/);
  });

  it("threw no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
