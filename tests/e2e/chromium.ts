/**
 * Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`), started the same way by every
 * end-to-end file: headless, without the sandbox (CI runs as root) and without the background
 * traffic a fresh profile would make.
 */
import { chromium, type Browser } from "playwright-core";

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
