/**
 * The password throttle as a person meets it: after five wrong passwords the sign-in form says how
 * long to wait (from the server's 429 and its Retry-After). How the wait is worded for longer waits,
 * and that it does not lock the chat composer, is in web/src/components/AuthDialog.test.tsx.
 */
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const EMAIL = `grace-${Date.now()}@example.com`;
const PASSWORD = "correct horse battery";
/** Wrong passwords in a row that are answered before the form must wait (SIGNIN_LIMITS). */
const FREE_ATTEMPTS = 5;

let server: DevServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startDevServer();
  // The account exists: it is its owner's password being guessed.
  const signup = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  expect(signup.status).toBe(200);
  browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
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

describe("sign-in throttle", () => {
  it("tells the person to wait after too many wrong passwords", async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId("sign-in-button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email").fill(EMAIL);
    const password = dialog.getByLabel("Password");

    /** Types a password (which clears the last complaint), submits it and reads the new one. */
    const attempt = async (value: string): Promise<string> => {
      await password.fill(value);
      await dialog.getByRole("alert").waitFor({ state: "detached" });
      await password.press("Enter");
      await dialog.getByRole("alert").waitFor();
      return (await dialog.getByRole("alert").textContent()) ?? "";
    };

    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      expect(await attempt(`not the password ${i}`)).toBe("That email and password do not match.");
    }
    // The first wait is a second long; on a slow machine the next guess may come after it, and
    // then the wait doubles. Either way the form soon tells the person to wait.
    let message = "";
    for (let i = 0; i < 3 && !message.startsWith("Too many"); i++) {
      message = await attempt(`still not the password ${i}`);
      expect(message).toMatch(/^(That email and password do not match\.|Too many attempts\..*)$/);
    }
    expect(message).toMatch(/^Too many attempts\. Try again in \d+ seconds?\.$/);
    // Still open, to try again later (or with the right password) without typing the email again.
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel("Email").inputValue()).toBe(EMAIL);
    expect(pageErrors).toEqual([]);
  });
});
