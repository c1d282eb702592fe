/**
 * Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`), started the same way by every
 * end-to-end file: headless, without the sandbox (CI runs as root) and without the background
 * traffic a fresh profile would make.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const SWITCHES = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];

/** `extra`: switches a file needs beyond the usual ones. */
export function launchChromium(extra: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...SWITCHES, ...extra] });
}

/**
 * Opens `baseUrl` in `page` and signs its browser up as a new account through the API (the page
 * shares the cookies), then makes a personal access token for it: the secret a script would call
 * the compatible API with, under the name `tokenName`. `label` begins the account's email.
 */
export async function accountWithToken(
  page: Page,
  baseUrl: string,
  label: string,
  tokenName: string,
): Promise<string> {
  const { request } = page.context();
  await page.goto(`${baseUrl}/`);
  const signedUp = await request.post(`${baseUrl}/api/v1/auth/signup`, {
    data: { email: `${label}-${Date.now()}@example.com`, password: "correct horse battery" },
  });
  expect(signedUp.status()).toBe(200);
  const created = await request.post(`${baseUrl}/api/v1/tokens`, { data: { name: tokenName } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { secret: string }).secret;
}
