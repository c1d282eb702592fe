/**
 * The pages' security headers (web/public/_headers), in the build that ships and in `vite dev`:
 *
 * - the production build under `vite preview` (built once, into a directory of this test's own):
 *   every page of the SPA — `/`, a chat `/c/:id`, a share link `/s/:token`, all answered by the
 *   SPA fallback — carries the policy, and the app works under it in Chromium: no CSP violation
 *   while it starts, streams a highlighted answer and opens a share link;
 * - `vite dev` serves the same headers, byte for byte, and the dev app runs under them too.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, repoRoot, startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const answers = '[data-testid="assistant-message"]';

/** The headers web/public/_headers gives every path (`/*`), names in lower case. */
function pagePolicy(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, "web", "public", "_headers"), "utf8");
  const headers: Record<string, string> = {};
  let everyPath = false;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      everyPath = line.trim() === "/*";
      continue;
    }
    const colon = line.indexOf(":");
    if (everyPath && colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const policy = pagePolicy();
const directive = (csp: string, name: string) =>
  csp
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name} `));

/** An inline `<script>` (one without `src`), which the policy's script-src would block. */
const INLINE_SCRIPT = /<script(?![^>]*\ssrc\s*=)[^>]*>/i;

let built: DevServer;
let dev: DevServer;
let outDir = "";
let browser: Browser;
/** A conversation with an answer, and a watch link to it, on the preview server. */
let chatPath = "";
let sharePath = "";

beforeAll(async () => {
  const base = path.join(repoRoot, ".e2e-state");
  mkdirSync(base, { recursive: true });
  outDir = mkdtempSync(path.join(base, "build-"));
  [built, dev] = await Promise.all([
    buildApp(outDir).then(() => startDevServer({ preview: outDir })),
    startDevServer(),
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([built?.stop(), dev?.stop()]);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

interface Watched {
  __violations: string[];
  /** `<html data-theme>` when `<body>` was parsed: before any module script of the app ran. */
  __themeBeforeBody?: string | null;
}

/**
 * A browser context (dark system theme) that records every CSP violation and CSP console error
 * of its pages, and which theme a page had before its body was parsed.
 */
async function watchedContext(): Promise<{ context: BrowserContext; problems: () => Promise<string[]> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
  await context.addInitScript(() => {
    const watched = window as unknown as Watched;
    watched.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      const where = `${event.sourceFile}:${event.lineNumber}`;
      watched.__violations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`,
      );
    });
    const observer = new MutationObserver(() => {
      if (!document.body) return;
      watched.__themeBeforeBody = document.documentElement.dataset.theme ?? null;
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
    localStorage.setItem("parley:model", "parley-demo");
  });
  const consoleErrors: string[] = [];
  context.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
      consoleErrors.push(message.text());
    }
  });
  const problems = async () => {
    const violations = await Promise.all(
      context.pages().map((page) => page.evaluate(() => (window as unknown as Watched).__violations)),
    );
    return [...violations.flat(), ...consoleErrors];
  };
  return { context, problems };
}

async function headersOf(server: DevServer, pathname: string) {
  const response = await fetch(`${server.url}${pathname}`, { headers: { accept: "text/html" } });
  const html = await response.text();
  const picked: Record<string, string | null> = {};
  for (const name of Object.keys(policy)) picked[name] = response.headers.get(name);
  return { status: response.status, type: response.headers.get("content-type"), html, headers: picked };
}

describe("the built app (vite preview)", () => {
  it("the policy forbids inline scripts and framing, and sets nosniff and a referrer policy", () => {
    const csp = policy["content-security-policy"] ?? "";
    expect(directive(csp, "script-src")).toBeDefined();
    expect(directive(csp, "script-src")).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|data:|blob:/);
    expect(directive(csp, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(policy["x-frame-options"]).toBe("DENY");
    expect(policy["x-content-type-options"]).toBe("nosniff");
    expect(policy["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("runs under that policy: no CSP violation while it starts, streams, highlights and opens a link", async () => {
    const { context, problems } = await watchedContext();
    const page = await context.newPage();
    await page.goto(`${built.url}/`);
    // The system's dark theme is applied before the first paint (web/public/theme-init.js).
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    await expect(page.evaluate(() => (window as unknown as Watched).__themeBeforeBody)).resolves.toBe("dark");
    const composer = page.getByRole("textbox", { name: "Message" });
    await composer.fill("Show me some TypeScript, please.");
    await expect
      .poll(() => page.getByRole("button", { name: "Send" }).isEnabled(), { timeout: 15_000 })
      .toBe(true);
    await composer.press("Enter");
    await page.waitForURL(/\/c\/[^/]+$/, { timeout: 20_000 });
    const answer = page.locator(answers).first();
    await answer.locator(".code-block .shiki-token").first().waitFor({ timeout: 60_000 });
    chatPath = new URL(page.url()).pathname;

    const id = chatPath.split("/").pop() ?? "";
    const share = await context.request.put(`${built.url}/api/v1/conversations/${id}/share`, {
      data: { mode: "watch" },
    });
    expect(share.status()).toBe(201);
    const token = ((await share.json()) as { share: { token: string } }).share.token;
    sharePath = `/s/${token}`;

    // Someone else opens the link: the conversation is there, read-only.
    const other = await watchedContext();
    const viewer = await other.context.newPage();
    await viewer.goto(`${built.url}${sharePath}`);
    await viewer.locator('[role="log"][data-synced="true"]').waitFor({ timeout: 20_000 });
    await viewer.locator(answers).first().waitFor();
    await viewer.getByTestId("read-only").waitFor();

    expect(await problems()).toEqual([]);
    expect(await other.problems()).toEqual([]);
    await other.context.close();
    await context.close();
  });

  it("every page of the SPA carries the policy, including the fallback routes", async () => {
    expect(chatPath).toMatch(/^\/c\//);
    for (const pathname of ["/", chatPath, sharePath, "/c/not-a-conversation", "/settings"]) {
      const page = await headersOf(built, pathname);
      expect(page.status, pathname).toBe(200);
      expect(page.type, pathname).toContain("text/html");
      expect(page.headers, pathname).toEqual(policy);
      expect(page.html, pathname).not.toMatch(INLINE_SCRIPT);
    }
  });
});

describe("vite dev", () => {
  it("serves the pages with the same headers as the build", async () => {
    for (const pathname of ["/", "/c/some-conversation", "/s/some-token"]) {
      const page = await headersOf(dev, pathname);
      expect(page.status, pathname).toBe(200);
      expect(page.headers, pathname).toEqual(policy);
      expect(page.headers, pathname).toEqual((await headersOf(built, pathname)).headers);
      // Vite's own inline scripts (the React Refresh preamble) are served as files instead.
      expect(page.html, pathname).not.toMatch(INLINE_SCRIPT);
    }
  });

  it("the dev app starts, with its hot-reload connection, under that policy", async () => {
    const { context, problems } = await watchedContext();
    const page: Page = await context.newPage();
    const hmr = page.waitForEvent("console", {
      predicate: (message) => message.text().includes("[vite] connected"),
      timeout: 30_000,
    });
    await page.goto(`${dev.url}/`);
    await page.getByRole("textbox", { name: "Message" }).waitFor({ timeout: 30_000 });
    await hmr;
    expect(await problems()).toEqual([]);
    await context.close();
  });
});
