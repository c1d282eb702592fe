/**
 * Figure 6: client rendering, in Debian's Chromium (playwright-core) against the SPA of the run's
 * `vite build`, served by the Parley worker under test.
 *
 * - Main-thread cost per streamed token: a chat with 1, 50 or 200 messages is open; another
 *   device (the API, same room) streams a 300-token answer at 100 tokens/s; Chrome's own
 *   main-thread task time (CDP `Performance.getMetrics` TaskDuration) over the answer ÷ tokens.
 *   The same window with nothing streaming is measured too (the page's idle cost).
 * - Longest task while streaming a 60,000-character Markdown answer with code (1,000 tokens/s):
 *   every task of the renderer's main thread from a Chrome trace (`toplevel` category), plus the
 *   page's own Long Tasks observer (tasks ≥ 50 ms).
 * - Time to interactive when opening a 200- and a 1,000-message chat (the app already loaded once,
 *   so its code is cached, the chat itself never seen): from navigation start until the last
 *   message is on screen, the log shows the room's state and the composer is usable, and a task
 *   posted then runs within 50 ms.
 *   Its phases say where the time goes: when the page made the room's socket, when it opened,
 *   and when the room's first frame (the snapshot) arrived.
 * - New chat: Enter → own bubble painted and Enter → first token painted, against a plain page
 *   echoing the room's socket into a `<pre>` (client-new-chat.ts).
 * - Initial JS: the entry script and the modules it preloads in index.html, gzip-compressed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { benchMarkdown, benchText, tokenize } from "../../tests/fake-upstream/bench-texts.ts";
import { scale, type BenchContext } from "../lib/context.ts";
import { sleep } from "../lib/processes.ts";
import { round, roundSummary, summarize, type Summary } from "../lib/stats.ts";
import { benchMarker, markdownMarker, newTag } from "../lib/upstream.ts";
import { measureNewChat, type NewChatResult } from "./client-new-chat.ts";
import { chatStream, longChats, seed, type Seeded } from "./client-seed.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface TokenCost {
  /** Messages in the chat when the answer starts (its prompt included). */
  messages: number;
  tokens: number;
  /** Main-thread task time per token, ms. */
  msPerToken: number;
  /** Of which JavaScript, layout and style recalculation, ms per token. */
  scriptMsPerToken: number;
  layoutMsPerToken: number;
  styleMsPerToken: number;
  /** Main-thread task time per second with the chat open and nothing streaming, ms. */
  idleMsPerSecond: number;
}

export interface TimeToInteractive {
  messages: number;
  trials: number;
  ms: Summary;
  visibleMs: Summary;
  /**
   * Where the time goes, p50 from navigation start: the page's code made the room's socket
   * (`socketMs`), the socket opened (`openMs`), the room's first frame (its snapshot) arrived
   * (`snapshotMs`).
   */
  phases: { socketMs: number; openMs: number; snapshotMs: number };
}

export interface ClientResult {
  tokenCost: TokenCost[];
  longestTask: {
    chars: number;
    tokens: number;
    rate: number;
    longestMs: number;
    over50ms: number;
    /** Long Tasks observer entries (≥ 50 ms), ms. */
    longTasks: number[];
    streamMs: number;
  };
  timeToInteractive: TimeToInteractive;
  /** The same for a 1,000-message chat. */
  timeToInteractiveLong?: TimeToInteractive;
  newChat?: NewChatResult;
  initialJs: { gzipBytes: number; rawBytes: number; files: Array<{ file: string; gzipBytes: number }> };
}

/** Sizes of the entry script and its modulepreloads, gzip at the default level (as Vite reports). */
export function initialJsSize(assetsDir: string): ClientResult["initialJs"] {
  const html = readFileSync(path.join(assetsDir, "index.html"), "utf8");
  const scripts = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  const files = [...new Set([...scripts, ...preloads])].map((file) => {
    const content = readFileSync(path.join(assetsDir, file.replace(/^\//, "")));
    return { file, raw: content.length, gzipBytes: gzipSync(content).length };
  });
  return {
    gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
    rawBytes: files.reduce((sum, file) => sum + file.raw, 0),
    files: files.map(({ file, gzipBytes }) => ({ file, gzipBytes })),
  };
}

/** Records when the app is usable; set `window.__benchExpect` to the id of the last message first. */
const READY_PROBE = `(() => {
  const state = { visible: null, ready: null, socket: null, open: null, snapshot: null };
  window.__benchReady = state;
  // The room's socket: when the page made it, when it opened, when its first frame came.
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("/parties/conversation/") || state.socket !== null) return;
      state.socket = performance.now();
      this.addEventListener("open", () => (state.open ??= performance.now()));
      this.addEventListener("message", () => (state.snapshot ??= performance.now()));
    }
  };
  const check = () => {
    const expected = window.__benchExpect;
    const log = document.querySelector('[role="log"][data-synced="true"]');
    const last = expected ? document.querySelector('[data-message-id="' + expected + '"]') : log;
    const composer = document.querySelector("textarea");
    if (log && last && composer && !composer.disabled) {
      const seen = performance.now();
      if (state.visible === null) state.visible = seen;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const ran = performance.now();
        if (ran - seen < 50) state.ready = ran;
        else requestAnimationFrame(check);
      };
      channel.port2.postMessage(0);
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  window.__benchLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__benchLongTasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: true });
  } catch {}
})();`;

declare global {
  interface Window {
    __benchExpect?: string;
    __benchReady?: {
      visible: number | null;
      ready: number | null;
      socket: number | null;
      open: number | null;
      snapshot: number | null;
    };
    __benchLongTasks?: number[];
  }
}

interface Opened {
  visible: number;
  ready: number;
  socket: number;
  open: number;
  snapshot: number;
}

async function openChat(page: Page, seeded: Seeded): Promise<Opened> {
  await page.addInitScript((expected) => {
    window.__benchExpect = expected;
  }, seeded.lastMessageId);
  await page.goto(`/c/${seeded.conversationId}`);
  await page.waitForFunction(() => window.__benchReady?.ready !== null, undefined, { timeout: 60_000 });
  const state = await page.evaluate(() => window.__benchReady!);
  const at = (value: number | null) => value ?? Number.NaN;
  return {
    visible: at(state.visible),
    ready: at(state.ready),
    socket: at(state.socket),
    open: at(state.open),
    snapshot: at(state.snapshot),
  };
}

type Metrics = Record<string, number>;

/** Chrome's cumulative main-thread counters for a page (one CDP session, enabled once). */
async function metricsReader(page: Page): Promise<() => Promise<Metrics>> {
  const session = await page.context().newCDPSession(page);
  await session.send("Performance.enable", { timeDomain: "threadTicks" });
  return async () => {
    const { metrics: list } = await session.send("Performance.getMetrics");
    return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
  };
}

/** Waits until the page shows the answer complete with `length` characters. */
async function waitForAnswer(page: Page, length: number, timeout: number): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const answers = document.querySelectorAll('[data-testid="assistant-message"]');
      const last = answers[answers.length - 1];
      const text = last?.querySelector('[data-testid="message-text"]');
      return (
        last?.getAttribute("data-status") === "complete" &&
        text?.getAttribute("data-raw")?.length === expected
      );
    },
    length,
    { timeout, polling: 100 },
  );
}

async function tokenCost(
  context: BrowserContext,
  messages: number,
  tokens: number,
  rate: number,
): Promise<TokenCost> {
  const seeded = await seed(context, messages - 1);
  const page = await context.newPage();
  try {
    await openChat(page, seeded);
    const metrics = await metricsReader(page);
    await sleep(1_000);
    const streamSeconds = tokens / rate;
    const idleStart = await metrics();
    await sleep(streamSeconds * 1000);
    const idleEnd = await metrics();
    const start = await metrics();
    const prompt = { role: "user", content: `Stream ${benchMarker(tokens, rate, newTag("render"))}` };
    const request = chatStream(context, [prompt], seeded.conversationId);
    await waitForAnswer(page, benchText(tokens).length, 120_000);
    const end = await metrics();
    await request;
    const delta = (name: string) => ((end[name] ?? 0) - (start[name] ?? 0)) * 1000;
    return {
      messages,
      tokens,
      msPerToken: round(delta("TaskDuration") / tokens, 4),
      scriptMsPerToken: round(delta("ScriptDuration") / tokens, 4),
      layoutMsPerToken: round(delta("LayoutDuration") / tokens, 4),
      styleMsPerToken: round(delta("RecalcStyleDuration") / tokens, 4),
      idleMsPerSecond: round(
        (((idleEnd.TaskDuration ?? 0) - (idleStart.TaskDuration ?? 0)) * 1000) / streamSeconds,
        3,
      ),
    };
  } finally {
    await page.close();
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/** Durations (ms) of every task on renderer main threads in a Chrome trace. */
function mainThreadTasks(trace: Buffer): number[] {
  const { traceEvents } = JSON.parse(trace.toString("utf8")) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(
    traceEvents
      .filter(
        (event) => event.ph === "M" && event.name === "thread_name" && event.args?.name === "CrRendererMain",
      )
      .map((event) => `${event.pid}:${event.tid}`),
  );
  const byThread = new Map<string, number[]>();
  for (const event of traceEvents) {
    if (event.ph !== "X" || event.name !== "ThreadControllerImpl::RunTask") continue;
    const key = `${event.pid}:${event.tid}`;
    if (!mainThreads.has(key)) continue;
    const list = byThread.get(key) ?? [];
    list.push((event.dur ?? 0) / 1000);
    byThread.set(key, list);
  }
  // The page's renderer is the busiest one.
  return [...byThread.values()].sort((a, b) => sum(b) - sum(a))[0] ?? [];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

async function longestTask(
  browser: Browser,
  context: BrowserContext,
  chars: number,
  rate: number,
): Promise<ClientResult["longestTask"]> {
  const seeded = await seed(context, 0);
  const page = await context.newPage();
  try {
    await openChat(page, seeded);
    await sleep(500);
    const text = benchMarkdown(chars);
    const tokens = tokenize(text).length;
    await page.evaluate(() => {
      window.__benchLongTasks = [];
    });
    await browser.startTracing(page, { categories: ["toplevel"] });
    const started = performance.now();
    const prompt = { role: "user", content: `Write it ${markdownMarker(chars, rate, newTag("markdown"))}` };
    const request = chatStream(context, [prompt], seeded.conversationId);
    await waitForAnswer(page, text.length, 180_000);
    const streamMs = performance.now() - started;
    const trace = await browser.stopTracing();
    await request;
    const tasks = mainThreadTasks(trace);
    const longTasks = await page.evaluate(() => window.__benchLongTasks ?? []);
    return {
      chars,
      tokens,
      rate,
      // The trace can drop events when its buffer fills; the page's own observer cannot.
      longestMs: round(
        [...tasks, ...longTasks].reduce((top, value) => Math.max(top, value), 0),
        2,
      ),
      over50ms: Math.max(tasks.filter((duration) => duration > 50).length, longTasks.length),
      longTasks: longTasks.map((duration) => round(duration, 1)),
      streamMs: Math.round(streamMs),
    };
  } finally {
    await page.close();
  }
}

/** Opens each chat in a new page of the warm context, one after the other. */
async function openChats(
  context: BrowserContext,
  messages: number,
  chats: Seeded[],
): Promise<TimeToInteractive> {
  const results: Opened[] = [];
  for (const chat of chats) {
    const page = await context.newPage();
    try {
      results.push(await openChat(page, chat));
    } finally {
      await page.close();
    }
  }
  const p50 = (key: keyof Opened) => round(summarize(results.map((r) => r[key])).p50, 1);
  return {
    messages,
    trials: chats.length,
    ms: roundSummary(summarize(results.map((r) => r.ready))),
    visibleMs: roundSummary(summarize(results.map((r) => r.visible))),
    phases: { socketMs: p50("socket"), openMs: p50("open"), snapshotMs: p50("snapshot") },
  };
}

export async function measureClient(context: BenchContext): Promise<ClientResult> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const browserContext = await browser.newContext({
      baseURL: context.parley.url,
      viewport: { width: 1280, height: 800 },
      colorScheme: "light",
    });
    await browserContext.addInitScript(READY_PROBE);
    // Load the app once, so its code is in the HTTP cache like for anyone opening a second chat.
    const warm = await browserContext.newPage();
    await warm.goto("/");
    await warm.waitForLoadState("networkidle");
    await warm.close();

    const tokenCosts: TokenCost[] = [];
    for (const messages of [1, 50, 200]) {
      tokenCosts.push(await tokenCost(browserContext, messages, scale(context, 300, 100), 100));
      const cost = tokenCosts.at(-1)!;
      context.log(
        `  ${messages} message(s): ${cost.msPerToken} ms main thread per token (idle ${cost.idleMsPerSecond} ms/s)`,
      );
    }

    const markdownChars = scale(context, 60_000, 10_000);
    const longest = await longestTask(browser, browserContext, markdownChars, 1000);
    context.log(
      `  ${markdownChars}-char answer: longest task ${longest.longestMs} ms, ${longest.over50ms} over 50 ms`,
    );

    const trials = scale(context, 5, 2);
    const chats: Seeded[] = [];
    for (let trial = 0; trial < trials; trial++) chats.push(await seed(browserContext, 200));
    const timeToInteractive = await openChats(browserContext, 200, chats);
    const phases = (t: TimeToInteractive) =>
      `socket made ${t.phases.socketMs}, open ${t.phases.openMs}, snapshot ${t.phases.snapshotMs} ms`;
    context.log(
      `  200-message chat: interactive after p50 ${timeToInteractive.ms.p50} ms (${phases(timeToInteractive)})`,
    );
    const timeToInteractiveLong = await openChats(
      browserContext,
      1000,
      await longChats(browserContext, 1000, trials),
    );
    context.log(
      `  1,000-message chat: interactive after p50 ${timeToInteractiveLong.ms.p50} ms (${phases(timeToInteractiveLong)})`,
    );

    const newChat = await measureNewChat(browserContext, scale(context, 15, 3));
    context.log(
      `  new chat: bubble p50 ${newChat.parley.bubble.p50} ms (floor ${newChat.floor.bubble.p50}), ` +
        `first token p50 ${newChat.parley.firstToken.p50} ms (floor ${newChat.floor.firstToken.p50})`,
    );

    const initialJs = initialJsSize(context.assetsDir);
    context.log(`  initial JS: ${(initialJs.gzipBytes / 1000).toFixed(1)} KB gzip`);
    await browserContext.close();
    return {
      tokenCost: tokenCosts,
      longestTask: longest,
      timeToInteractive,
      timeToInteractiveLong,
      newChat,
      initialJs,
    };
  } finally {
    await browser.close();
  }
}
