/**
 * Streaming Markdown, Parley's own path against a library (issue #16 item 4; decision record
 * docs/decisions/0013-streaming-markdown.md). Contenders, each built by esbuild into a page of its
 * own (production React, same React copy for both) and run in Chromium (playwright-core):
 *   parley     — web/src/markdown/Markdown.tsx: incremental lexer (frozen chunks, tail re-lexed and
 *                healed by heal.ts), marked tokens to React; highlighting stubbed out (it is async,
 *                in a Web Worker, and never part of a delta's render);
 *   streamdown — <Streamdown mode="streaming" isAnimating>: remend over the text, marked block
 *                split, one memoized unified/remark/rehype pipeline per block; no highlighter plugin;
 *   pre        — the text in a <pre> (the floor page): at small sizes its spikes are the
 *                machine's own noise; at 60k it rewrites one long text node per delta.
 * Per size (benchMarkdown 1k/10k/60k chars, cut in ~4-char tokens by tokenize()), every delta is
 * rendered with flushSync and timed with performance.now() ("render"); "settled" adds a forced
 * layout and one macrotask, so work a delta schedules for later (effects, Suspense) is counted too.
 * The pages take turns every 50 deltas, so machine load hits all alike.
 * Also prints the gzip size of each contender's JS (initial chunk and lazy chunks) over React.
 * Healing correctness: bench/markdown-compare-heal.ts.
 *
 * Run from the repository root, with streamdown installed in a scratch directory (not in Parley):
 *   mkdir -p /tmp/mdcmp && (cd /tmp/mdcmp && npm init -y && npm i streamdown@2.7.1 remend@1.5.0)
 *   MDCMP_DIR=/tmp/mdcmp npx node bench/markdown-compare.ts   (node 24 from the devDependency)
 * Options (environment): MD_SIZES=1000,10000,60000; MD_PARTS=speed,size; CHROMIUM_PATH;
 * MD_SLOWEST=n prints where each contender's n slowest deltas fell.
 * esbuild is the copy wrangler brings (node_modules/esbuild).
 */
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { benchMarkdown, tokenize } from "../tests/fake-upstream/bench-texts.ts";
import { summarize } from "./lib/stats.ts";

const repoRoot = path.resolve(import.meta.dirname, "..");
const scratch = path.resolve(process.env.MDCMP_DIR ?? "/tmp/mdcmp");
const sizes = (process.env.MD_SIZES ?? "1000,10000,60000").split(",").map(Number);
const parts = new Set((process.env.MD_PARTS ?? "speed,size").split(","));
const TURN = 50;
const slowest = Number(process.env.MD_SLOWEST ?? 0);

type Name = "parley" | "streamdown" | "pre";
const NAMES: Name[] = ["parley", "streamdown", "pre"];

/** Each contender as `make(host)` → `{ render(text, streaming) }`, plus where its imports resolve. */
const contenders: Record<Name, { dir: string; code: string }> = {
  parley: {
    dir: repoRoot,
    code: `import { Markdown } from "./web/src/markdown/Markdown.tsx";
      const view = (text, streaming) => createElement(Markdown, { text, streaming });`,
  },
  streamdown: {
    dir: scratch,
    code: `import { Streamdown } from "streamdown";
      const view = (text, streaming) =>
        createElement(Streamdown, { mode: "streaming", isAnimating: streaming }, text);`,
  },
  // The floor: the text in a <pre>, no Markdown; its spikes at small sizes are the machine's.
  pre: { dir: repoRoot, code: `const view = (text) => createElement("pre", null, text);` },
};

/** The page side: renders deltas into its own root and times each one. */
const HARNESS = `
import { createElement } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
const channel = new MessageChannel();
const tick = () => new Promise((resolve) => { channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
let host, root, tokens = [], text = "", next = 0;
const mount = () => { root?.unmount(); host?.remove(); host = document.createElement("div");
  document.body.append(host); root = createRoot(host); };
const show = (value, streaming) => flushSync(() => root.render(view(value, streaming)));
window.bench = {
  start(list) { mount(); tokens = list; text = ""; next = 0; },
  async step(count) {
    const render = [], settled = [];
    for (let k = 0; k < count && next < tokens.length; k++) {
      text += tokens[next++];
      const t0 = performance.now();
      show(text, true);
      const t1 = performance.now();
      void host.offsetHeight;
      await tick();
      render.push(t1 - t0); settled.push(performance.now() - t0);
    }
    return { render, settled, done: next >= tokens.length };
  },
  async finish() {
    const t0 = performance.now(); show(text, false); const ms = performance.now() - t0;
    await tick();
    const count = (s) => host.querySelectorAll(s).length;
    return { ms, dom: ["h2", "p", "li", "pre", "table", "strong,[data-streamdown=strong]", "em", "code"].map((s) => s.split(",")[0] + ":" + count(s)).join(" ") };
  },
  async open(value) {
    mount(); await tick();
    const t0 = performance.now(); show(value, false); return performance.now() - t0;
  },
};`;

/** Highlighting runs in a worker and only for closed blocks: no part of a delta, so left out. */
const noHighlight: Plugin = {
  name: "no-highlight",
  setup(b) {
    b.onResolve({ filter: /\/highlight\.ts$/ }, () => ({ path: "highlight", namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: `export const peekHighlight = () => undefined;
        export const highlight = () => new Promise(() => {});`,
    }));
  },
};

const common = {
  bundle: true,
  minify: true,
  write: false,
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  // One React for every page: the repository's.
  alias: {
    react: path.join(repoRoot, "node_modules/react"),
    "react-dom": path.join(repoRoot, "node_modules/react-dom"),
  },
  logLevel: "error",
} as const;

async function pageBundle(name: Name): Promise<string> {
  const { dir, code } = contenders[name];
  const result = await build({
    ...common,
    format: "iife",
    stdin: { contents: code + HARNESS, resolveDir: dir, loader: "jsx", sourcefile: `${name}.jsx` },
    plugins: [noHighlight],
  });
  return result.outputFiles[0]!.text;
}

async function openPage(browser: Browser, name: Name): Promise<Page> {
  const script = await pageBundle(name);
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  // Cross-origin isolated, so performance.now() ticks in 5 µs steps instead of 100 µs.
  const headers = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
  };
  await page.route("http://localhost:9/**", (route) =>
    route.fulfill(
      route.request().url().endsWith(".js")
        ? { headers, contentType: "text/javascript", body: script }
        : {
            headers,
            contentType: "text/html",
            body: `<!doctype html><body><script src="/${name}.js"></script>`,
          },
    ),
  );
  page.on("pageerror", (error) => console.error(`[${name}] ${error.message}`));
  await page.goto("http://localhost:9/");
  if (!(await page.evaluate(() => crossOriginIsolated))) console.warn(`[${name}] not cross-origin isolated`);
  return page;
}

interface Step {
  render: number[];
  settled: number[];
  done: boolean;
}

const fmt = (value: number) =>
  value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(1);

async function speed(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const pages = {} as Record<Name, Page>;
    for (const name of NAMES) pages[name] = await openPage(browser, name);
    // Warm-up (JIT, lazy chunks), not recorded.
    const warm = tokenize(benchMarkdown(4_000));
    for (const name of NAMES) {
      await pages[name].evaluate((list) => window.bench.start(list), warm);
      while (!(await pages[name].evaluate(() => window.bench.step(1_000))).done);
    }
    const rows: string[] = [];
    for (const size of sizes) {
      const text = benchMarkdown(size);
      const tokens = tokenize(text);
      const samples = {} as Record<Name, { render: number[]; settled: number[] }>;
      for (const name of NAMES) samples[name] = { render: [], settled: [] };
      for (const name of NAMES) await pages[name].evaluate((list) => window.bench.start(list), tokens);
      for (let turn = 0, done = false; !done; turn++) {
        done = true;
        // Rotate who goes first, so none always follows another's garbage.
        const shift = turn % NAMES.length;
        for (const name of [...NAMES.slice(shift), ...NAMES.slice(0, shift)]) {
          const step = (await pages[name].evaluate((n) => window.bench.step(n), TURN)) as Step;
          samples[name].render.push(...step.render);
          samples[name].settled.push(...step.settled);
          done &&= step.done;
        }
      }
      for (const name of NAMES) {
        const finish = (await pages[name].evaluate(() => window.bench.finish())) as {
          ms: number;
          dom: string;
        };
        const opens: number[] = [];
        for (let k = 0; k < 5; k++)
          opens.push((await pages[name].evaluate((t) => window.bench.open(t), text)) as number);
        const r = summarize(samples[name].render);
        const s = summarize(samples[name].settled);
        const sum = samples[name].render.reduce((a, b) => a + b, 0);
        // Deltas that alone would miss a 60 Hz frame.
        const over16 = samples[name].render.filter((ms) => ms > 16).length;
        rows.push(
          `| ${size} | ${name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${over16} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${Math.round(sum)} | ${fmt(finish.ms)} | ${fmt(summarize(opens).p50)} |`,
        );
        console.log(`[${size} ${name}] final DOM ${finish.dom}`);
        if (slowest > 0) {
          // Where the slowest deltas fell: the text just before each one's end.
          let end = 0;
          const ends = tokens.map((token) => (end += token.length));
          const worst = samples[name].render
            .map((ms, k) => [ms, k] as const)
            .sort((a, b) => b[0] - a[0])
            .slice(0, slowest);
          for (const [ms, k] of worst)
            console.log(
              `  ${fmt(ms)} ms at ${ends[k]}: ${JSON.stringify(text.slice(Math.max(0, ends[k]! - 40), ends[k]))}`,
            );
        }
      }
    }
    console.log(
      "\nPer delta, ms (render = flushSync; settled = + layout + one macrotask). Σ render: the whole" +
        " stream; finish: the render when streaming ends; open: mounting the finished answer (median of 5)\n",
    );
    console.log(
      "| chars | contender | deltas | render p50 | p90 | p99 | max | > 16 ms | settled p50 | p99 | Σ render | finish | open |",
    );
    console.log(`|${"---|".repeat(13)}`);
    for (const row of rows) console.log(row);
  } finally {
    await browser.close();
  }
}

/** Each contender's JS as a production app would ship it, gzip, minus what React alone costs. */
async function size(): Promise<void> {
  const gz = (text: string) => gzipSync(text).length / 1024;
  const measure = async (code: string, dir: string) => {
    const result = await build({
      ...common,
      format: "esm",
      splitting: true,
      metafile: true,
      outdir: "/tmp/md-size-out",
      stdin: { contents: code, resolveDir: dir, loader: "jsx", sourcefile: "entry.jsx" },
      plugins: [noHighlight],
    });
    // Initial: the entry and the chunks it imports statically; the rest loads on demand.
    const outputs = result.metafile.outputs;
    const initialFiles = new Set<string>();
    const visit = (file: string) => {
      if (initialFiles.has(file)) return;
      initialFiles.add(file);
      for (const entry of outputs[file]?.imports ?? [])
        if (entry.kind === "import-statement") visit(entry.path);
    };
    visit(Object.keys(outputs).find((file) => outputs[file]?.entryPoint)!);
    let initial = 0;
    let lazy = 0;
    for (const file of result.outputFiles) {
      if (!file.path.endsWith(".js")) continue;
      if ([...initialFiles].some((out) => path.resolve(out) === file.path)) initial += gz(file.text);
      else lazy += gz(file.text);
    }
    return { initial, lazy };
  };
  const mount = `import { createRoot } from "react-dom/client"; import { createElement } from "react";`;
  const base = await measure(
    `${mount} createRoot(document.body).render(createElement("p", null, "x"));`,
    repoRoot,
  );
  console.log("\n| JS, gzip KB | initial | over React | lazy chunks |\n|---|---|---|---|");
  console.log(`| React + react-dom | ${base.initial.toFixed(1)} | 0 | 0 |`);
  for (const name of ["parley", "streamdown"] as const) {
    const code = `${mount}\n${contenders[name].code}\ncreateRoot(document.body).render(view("# hi", false));`;
    const out = await measure(code, contenders[name].dir);
    console.log(
      `| ${name} | ${out.initial.toFixed(1)} | ${(out.initial - base.initial).toFixed(1)} | ${out.lazy.toFixed(1)} |`,
    );
  }
}

declare global {
  interface Window {
    bench: {
      start(tokens: string[]): void;
      step(count: number): Promise<Step>;
      finish(): Promise<{ ms: number; dom: string }>;
      open(text: string): Promise<number>;
    };
  }
}

if (parts.has("size")) await size();
if (parts.has("speed")) await speed();
