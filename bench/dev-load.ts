/**
 * How soon a chat page is usable under `npm run dev` (not part of `npm run bench`; a developer's
 * measure, for vite.config.ts's pre-bundling and warm-up). Run: `node bench/dev-load.ts` (via npm's
 * node 24: `npx node bench/dev-load.ts`). Options: PORT (default 8795), DEV_LOAD_KEEP_CACHE=1 to
 * keep Vite's dependency cache (node_modules/.vite) instead of starting as after a fresh install.
 *
 * Starts `npm run dev`, makes a 20-message chat through the API, then in Chromium opens /c/<id>
 * DEV_LOAD_ROUNDS times (default 4), each in a new browser profile, and reloads it once. The very
 * first load is a newcomer's first visit; the later ones see a warm server but an empty browser
 * cache. Each time is from `goto` (or `reload`) until the last message is shown, the log holds
 * the room's state and the composer is enabled, in the final document (a reload by Vite's
 * optimizer counts in it).
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { repoRoot } from "./lib/processes.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const port = Number(process.env.PORT) || 8795;
const url = `http://127.0.0.1:${port}`;
const rounds = Number(process.env.DEV_LOAD_ROUNDS) || 4;

if (process.env.DEV_LOAD_KEEP_CACHE !== "1") {
  rmSync(path.join(repoRoot, "node_modules/.vite"), { recursive: true, force: true });
}
const started = performance.now();
const child = spawn("npm", ["run", "dev"], {
  cwd: repoRoot,
  env: { ...process.env, PORT: String(port), WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
  detached: true,
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
const stop = () => {
  try {
    if (child.pid) process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
};

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function makeChat(context: BrowserContext): Promise<{ id: string; last: string }> {
  const messages = Array.from({ length: 19 }, (_, index) => ({
    role: index % 2 === 0 ? "user" : "assistant",
    content: index % 2 === 0 ? `Question ${index}: what is a room?` : "A **room** is one chat's live state.",
  }));
  const response = await context.request.post(`${url}/api/v1/chat/stream`, {
    data: { model: "parley-demo", messages },
    timeout: 120_000,
  });
  const body = await response.text();
  const meta = /event: meta\ndata: (.*)\n/.exec(body)?.[1];
  if (!meta) throw new Error(`chat/stream ${response.status()}: ${body.slice(0, 300)}`);
  const { conversationId, messageId } = JSON.parse(meta) as { conversationId: string; messageId: string };
  return { id: conversationId, last: messageId };
}

async function usable(page: Page, last: string): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const log = document.querySelector('[role="log"][data-synced="true"]');
      const message = document.querySelector(`[data-message-id="${id}"]`);
      const composer = document.querySelector("textarea");
      return Boolean(log && message && composer && !composer.disabled);
    },
    last,
    { timeout: 120_000, polling: 20 },
  );
}

/** With DEV_LOAD_REQUESTS=1: the requests of a load, when the last module and API answer ended. */
function requestLog(page: Page): () => string {
  const seen: Array<{ path: string; start: number; end: number }> = [];
  page.on("requestfinished", (request) => {
    const timing = request.timing();
    const start = timing.startTime + Math.max(0, timing.requestStart);
    seen.push({ path: request.url().replace(url, ""), start, end: timing.startTime + timing.responseEnd });
  });
  return () => {
    const origin = Math.min(...seen.map((r) => r.start));
    const lastOf = (test: (path: string) => boolean) =>
      Math.round(Math.max(...seen.filter((r) => test(r.path)).map((r) => r.end)) - origin);
    const modules = (path: string) => !path.startsWith("/api/") && !path.startsWith("/c/");
    const slowest = [...seen].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, 5);
    return (
      `${seen.length} requests; last module ${lastOf(modules)} ms, last API answer ` +
      `${lastOf((path) => path.startsWith("/api/"))} ms; slowest: ` +
      slowest.map((r) => `${r.path} ${Math.round(r.end - r.start)} ms`).join(", ")
    );
  };
}

async function timed(page: Page, last: string, navigate: () => Promise<unknown>): Promise<number> {
  let reloads = -1;
  const onLoad = () => reloads++;
  page.on("load", onLoad);
  const requests = process.env.DEV_LOAD_REQUESTS === "1" ? requestLog(page) : null;
  const start = performance.now();
  await navigate();
  await usable(page, last);
  const ms = Math.round(performance.now() - start);
  page.off("load", onLoad);
  if (requests) console.log(`  (${requests()})`);
  return reloads > 0 ? -ms : ms;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
try {
  await until(() => output.includes("Parley is running at"), 240_000, "npm run dev to start");
  const ready = Math.round(performance.now() - started);
  const setup = await browser.newContext();
  const chat = await makeChat(setup);
  const cookies = await setup.cookies();
  const results: Record<string, number[]> = { "npm run dev → URL printed": [ready] };
  const note = (name: string, ms: number) => (results[name] ??= []).push(ms);
  for (let round = 0; round < rounds; round++) {
    const context = await browser.newContext();
    await context.addCookies(cookies);
    const page = await context.newPage();
    note(
      round === 0 ? "first load (first profile)" : "first load (new profile)",
      await timed(page, chat.last, () => page.goto(`${url}/c/${chat.id}`)),
    );
    note("reload", await timed(page, chat.last, () => page.reload()));
    await context.close();
  }
  console.log(output.trim());
  console.log("\nms until usable (negative: Vite reloaded the page on the way)");
  for (const [name, values] of Object.entries(results)) {
    const sorted = [...values].sort((a, b) => Math.abs(a) - Math.abs(b));
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    console.log(`  ${name}: ${values.join(", ")}${values.length > 2 ? ` (median ${median})` : ""}`);
  }
} finally {
  await browser.close();
  stop();
}
