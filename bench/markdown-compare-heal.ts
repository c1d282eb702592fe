/**
 * Healing of a streaming answer's unfinished Markdown: Parley's heal.ts against remend (the healer
 * inside streamdown). For each tricky tail, both healed texts are rendered with marked and checked
 * against what the reader should see at that moment (the answer as it will look once finished, or
 * for a link still arriving, also remend's placeholder link). Then the cost of one healing call
 * on the 60k bench answer: remend over the whole text (what streamdown does per delta) and each
 * healer over the tail only (what Parley's incremental lexer hands heal.ts).
 * Part of the comparison in docs/decisions/0013-streaming-markdown.md.
 *
 * Run from the repository root (remend in a scratch directory, not in Parley):
 *   mkdir -p /tmp/mdcmp && (cd /tmp/mdcmp && npm init -y && npm i remend@1.5.0)
 *   MDCMP_DIR=/tmp/mdcmp npx node bench/markdown-compare-heal.ts
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { marked } from "marked";
import { benchMarkdown } from "../tests/fake-upstream/bench-texts.ts";
import { summarize } from "./lib/stats.ts";

const scratch = path.resolve(process.env.MDCMP_DIR ?? "/tmp/mdcmp");
const remendUrl = pathToFileURL(path.join(scratch, "node_modules/remend/dist/index.js")).href;
const remend = ((await import(remendUrl)) as { default: (text: string) => string }).default;
// Loaded by URL so the bench project does not compile the web sources (they have their own).
const healUrl = new URL("../web/src/markdown/heal.ts", import.meta.url).href;
const { healMarkdown } = (await import(healUrl)) as { healMarkdown: (text: string) => string };

const html = (markdown: string) => (marked.parse(markdown, { gfm: true, async: false }) as string).trim();

/** A tail and what the reader should see: equivalent Markdown texts, or a test on the HTML. */
interface Case {
  tail: string;
  expect: string[] | ((rendered: string) => boolean);
}

const placeholder = "streamdown:incomplete-link";
const cases: Case[] = [
  { tail: "Some **bold te", expect: ["Some **bold te**"] },
  { tail: "A *quick", expect: ["A *quick*"] },
  { tail: "~~gone", expect: ["~~gone~~"] },
  { tail: "**bold and *nested", expect: ["**bold and *nested***"] },
  { tail: "**bold\nnext li", expect: ["**bold\nnext li**"] },
  { tail: "Run `npm ins", expect: ["Run `npm ins`"] },
  { tail: "``a ` b", expect: ["``a ` b``"] },
  { tail: "`a**b` and **bo", expect: ["`a**b` and **bo**"] },
  { tail: "Hello **", expect: ["Hello", "Hello "] },
  { tail: "Hello *", expect: ["Hello", "Hello "] },
  { tail: "2 * 3 = 6 and 4 * 5", expect: ["2 * 3 = 6 and 4 * 5"] },
  { tail: "* one\n* tw", expect: ["* one\n* tw"] },
  { tail: "call snake_case_na", expect: ["call snake_case_na"] },
  { tail: "Stars *here\n\nNext **bo", expect: ["Stars *here\n\nNext **bo**"] },
  { tail: "- item **bo", expect: ["- item **bo**"] },
  { tail: "> quote *em", expect: ["> quote *em*"] },
  {
    tail: "See [the docs](https://exa",
    expect: ["See [the docs](https://exa)", `See [the docs](${placeholder})`],
  },
  { tail: "[x](https://a.io/*path", expect: ["[x](https://a.io/*path)", `[x](${placeholder})`] },
  {
    tail: "**see [x](https://a.io/y",
    expect: ["**see [x](https://a.io/y)**", `**see [x](${placeholder})**`],
  },
  { tail: "[a [b] c](htt", expect: ["[a [b] c](htt)", `[a [b] c](${placeholder})`] },
  { tail: "```py\nx = a ** b", expect: ["```py\nx = a ** b"] },
  { tail: "```ts\nconst s = `a", expect: ["```ts\nconst s = `a"] },
  { tail: "| a | b |\n| --- | --- |\n| 1 | 2", expect: ["| a | b |\n| --- | --- |\n| 1 | 2"] },
  // "Steps:" then the first "-" of a list: must not flash as a setext heading.
  { tail: "Steps:\n-", expect: (rendered) => !rendered.includes("<h2") },
];

const healers = { "heal.ts": healMarkdown, remend };
const score: Record<string, number> = { "heal.ts": 0, remend: 0 };
// Shown as a code span inside a Markdown table cell: backticks and pipes escaped.
const show = (text: string) =>
  "`" + JSON.stringify(text).slice(1, -1).replaceAll("`", "\\`").replaceAll("|", "\\|") + "`";
console.log("| tail | heal.ts | remend |\n|---|---|---|");
for (const { tail, expect } of cases) {
  const cells = Object.entries(healers).map(([name, heal]) => {
    const healed = heal(tail);
    const rendered = html(healed);
    const ok =
      typeof expect === "function" ? expect(rendered) : expect.some((text) => html(text) === rendered);
    if (ok) score[name]! += 1;
    return `${ok ? "ok" : "**wrong**"} ${show(healed)}`;
  });
  console.log(`| ${show(tail)} | ${cells.join(" | ")} |`);
}
console.log(`\nright: heal.ts ${score["heal.ts"]}/${cases.length}, remend ${score.remend}/${cases.length}\n`);

/** Median µs of one call, over `runs` calls after a warm-up. */
function time(heal: (text: string) => string, text: string, runs = 300): string {
  for (let k = 0; k < 30; k++) heal(text);
  const samples: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    heal(text);
    samples.push(performance.now() - t0);
  }
  return (summarize(samples).p50 * 1000).toFixed(1);
}

// The 60k answer cut mid-paragraph; its tail is what follows the last blank line.
const whole = benchMarkdown(60_000).slice(0, 59_950);
const tail = whole.slice(whole.lastIndexOf("\n\n") + 2);
console.log(`One healing call, median µs (text ${whole.length} chars, tail ${tail.length} chars)\n`);
console.log("| healer | whole text | tail only |\n|---|---|---|");
for (const [name, heal] of Object.entries(healers))
  console.log(`| ${name} | ${time(heal, whole)} | ${time(heal, tail)} |`);
