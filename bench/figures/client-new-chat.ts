/**
 * Figure 6, new-chat case: on `/` a person types a prompt and presses Enter. Two moments count,
 * each from the Enter keydown's own timestamp to the end of the frame that first shows it:
 * their own bubble, and the answer's first token.
 *
 * The floor is a plain page served by the same worker (bench/floor/, copied into the benchmark's
 * build only) that writes the prompt into a `<pre>` on Enter, opens the room's WebSocket for an
 * empty conversation made beforehand, sends the prompt and appends every frame it receives.
 * It is what any page must pay for the same two numbers: one frame for the bubble, and socket +
 * room + upstream + one frame for the token. Parley and floor trials alternate in one run, so
 * both see the same load.
 *
 * "Painted" is taken by a rAF loop that the page gets before any of its own scripts: a change
 * made before a frame's rendering steps is shown by that frame, and the time is read by a message
 * posted from that frame's first rAF callback, which runs once the frame is done.
 */
import type { BrowserContext, Page } from "playwright-core";
import { round, roundSummary, summarize, type Summary } from "../lib/stats.ts";
import { BENCH_MODEL, benchMarker, newTag } from "../lib/upstream.ts";
import { seed } from "./client-seed.ts";

export interface NewChatResult {
  trials: number;
  /** Enter → own bubble painted, Enter → first token painted, ms. */
  parley: { bubble: Summary; firstToken: Summary };
  /**
   * The plain page: its bubble (the prompt written on Enter), the room's echo of the prompt,
   * and the first token, ms.
   */
  floor: { bubble: Summary; echo: Summary; firstToken: Summary };
  /** Parley − floor at p50 and p99, ms. */
  added: { bubble: { p50: number; p99: number }; firstToken: { p50: number; p99: number } };
}

/** Marks, in the page's clock: `enter` (the keydown's timeStamp) and when each named thing was painted. */
const PAINT_PROBE = `(() => {
  const marks = {};
  window.__benchPaint = marks;
  let rendering = false;
  let nextFrame = new Set();
  let thisFrame = new Set();
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    rendering = false;
    const at = performance.now();
    for (const name of thisFrame) if (marks[name] === undefined) marks[name] = at;
    thisFrame = new Set();
  };
  const loop = () => {
    rendering = true;
    for (const name of nextFrame) thisFrame.add(name);
    nextFrame = new Set();
    channel.port2.postMessage(0);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  window.__benchPainted = (name) => {
    if (marks[name] !== undefined) return;
    (rendering ? thisFrame : nextFrame).add(name);
  };
  addEventListener("keydown", (event) => {
    if (event.key === "Enter" && window.__benchArmed && marks.enter === undefined) marks.enter = event.timeStamp;
  }, true);
})();`;

/** Watches Parley's page for the bubble with the prompt's text and the answer's first text. */
const PARLEY_WATCH = (prompt: string) => {
  const check = () => {
    const painted = window.__benchPainted!;
    for (const bubble of document.querySelectorAll('[data-testid="user-message"]')) {
      if (bubble.textContent?.includes(prompt)) painted("bubble");
    }
    const text = document.querySelector('[data-testid="assistant-message"] [data-testid="message-text"]');
    if (text?.textContent?.includes("Bench")) painted("token");
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  window.__benchArmed = true;
};

declare global {
  interface Window {
    __benchPaint?: Record<string, number>;
    __benchPainted?: (name: string) => void;
    __benchArmed?: boolean;
    __benchDone?: boolean;
  }
}

type Marks = Record<string, number>;

async function marksAfterEnter(page: Page, names: string[]): Promise<Marks> {
  await page.waitForFunction(
    (wanted) => wanted.every((name) => window.__benchPaint?.[name] !== undefined),
    names,
    { timeout: 60_000, polling: 50 },
  );
  const marks = await page.evaluate(() => window.__benchPaint!);
  const enter = marks.enter ?? Number.NaN;
  return Object.fromEntries(Object.entries(marks).map(([name, at]) => [name, at - enter]));
}

async function parleyTrial(context: BrowserContext, trial: number): Promise<Marks> {
  const page = await context.newPage();
  try {
    await page.addInitScript(PAINT_PROBE);
    await page.addInitScript((model) => localStorage.setItem("parley:model", model), BENCH_MODEL);
    await page.goto("/");
    const prompt = `New chat ${trial} ${benchMarker(20, 200, newTag("newchat"))}`;
    const composer = page.locator("textarea");
    await composer.fill(prompt);
    // Sendable: the models are loaded and the prompt is in.
    await page.locator('button[title="Send (Enter)"]:not([disabled])').waitFor({ timeout: 30_000 });
    await page.evaluate(PARLEY_WATCH, prompt);
    await composer.press("Enter");
    const marks = await marksAfterEnter(page, ["enter", "bubble", "token"]);
    await page
      .locator('[data-testid="assistant-message"][data-status="complete"]')
      .waitFor({ timeout: 60_000 });
    return marks;
  } finally {
    await page.close();
  }
}

async function floorTrial(context: BrowserContext, trial: number): Promise<Marks> {
  const { conversationId } = await seed(context, 0);
  const page = await context.newPage();
  try {
    await page.addInitScript(PAINT_PROBE);
    await page.goto(`/bench-floor/?c=${encodeURIComponent(conversationId)}&model=${BENCH_MODEL}`);
    const composer = page.locator("#prompt");
    await composer.fill(`Floor ${trial} ${benchMarker(20, 200, newTag("floor"))}`);
    await composer.press("Enter");
    const marks = await marksAfterEnter(page, ["enter", "bubble", "echo", "token"]);
    await page.waitForFunction(() => window.__benchDone === true, undefined, { timeout: 60_000 });
    return marks;
  } finally {
    await page.close();
  }
}

export async function measureNewChat(context: BrowserContext, trials: number): Promise<NewChatResult> {
  // One of each first, unmeasured: the first socket and the first new chat of a run pay extra.
  await parleyTrial(context, -1);
  await floorTrial(context, -1);
  const parley: Marks[] = [];
  const floor: Marks[] = [];
  for (let trial = 0; trial < trials; trial++) {
    parley.push(await parleyTrial(context, trial));
    floor.push(await floorTrial(context, trial));
  }
  const of = (list: Marks[], name: string): Summary =>
    roundSummary(summarize(list.map((marks) => marks[name] ?? Number.NaN)));
  const result = {
    trials,
    parley: { bubble: of(parley, "bubble"), firstToken: of(parley, "token") },
    floor: { bubble: of(floor, "bubble"), echo: of(floor, "echo"), firstToken: of(floor, "token") },
  };
  const added = (a: Summary, b: Summary) => ({ p50: round(a.p50 - b.p50, 1), p99: round(a.p99 - b.p99, 1) });
  return {
    ...result,
    added: {
      bubble: added(result.parley.bubble, result.floor.bubble),
      firstToken: added(result.parley.firstToken, result.floor.firstToken),
    },
  };
}
