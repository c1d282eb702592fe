/**
 * Code is coloured in a Web Worker (web/src/markdown/highlight.worker.ts); where there is no worker,
 * the same tokenizer runs in the page. A person must see the same colours either way: in the app
 * under `vite dev`, the page imports the tokenizer and asks the app's worker for the same code, and
 * the code-block HTML both give (the markup CodeBlock.tsx renders from the tokens) must be equal,
 * for several languages and a block of a few thousand lines.
 */
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./server.ts";
import { launchChromium } from "./chromium.ts";

const SAMPLES: Array<[language: string, code: string]> = [
  [
    "ts",
    "export function merge(have: string, offset: number, text: string): string | null {\n  if (offset > have.length) return null; // a gap\n  return have + text.slice(have.length - offset);\n}",
  ],
  [
    "python",
    "def moving_average(values, window=5):\n    total = sum(values[:window])\n    yield total / window\n    for old, new in zip(values, values[window:]):\n        total += new - old\n        yield total / window",
  ],
  ["sql", "SELECT id, COUNT(*) AS n\nFROM messages\nWHERE status = 'complete'\nGROUP BY id\nLIMIT 20;"],
  ["sh", 'for file in *.md; do\n  echo "$file" | tr a-z A-Z\ndone'],
  [
    "rust",
    'fn main() {\n    let words: Vec<&str> = "a b c".split(\' \').collect();\n    println!("{}", words.len());\n}',
  ],
  ["json", '{ "model": "parley-demo", "stream": true, "messages": [{ "role": "user" }] }'],
  ["tsx", 'export const Hello = ({ name }: { name: string }) => <p className="hi">Hello {name}</p>;'],
  [
    "css",
    ".code-block { border-radius: 12px; color: var(--ink, #111); }\n@media (prefers-color-scheme: dark) { :root { --ink: #eee; } }",
  ],
];

/** A big block: 2,400 lines of TypeScript. */
const BIG = Array.from(
  { length: 300 },
  (_, index) =>
    `// step ${index}\nexport async function step${index}(input: number[]): Promise<number> {\n  const total = input.reduce((sum, value) => sum + value * ${index}, 0);\n  if (total > ${index * 10}) throw new Error(\`too big: \${total}\`);\n  return Math.round(total / input.length);\n}\n`,
).join("\n");

/**
 * Runs in the page: each sample through the tokenizer in this thread and through the app's
 * highlighter (its worker), both turned into CodeBlock's markup.
 */
const COMPARE = `async (samples) => {
  const [{ tokenize }, { highlight }] = await Promise.all([
    import("/src/markdown/tokenize.ts"),
    import("/src/markdown/highlight.ts"),
  ]);
  const html = (lines) => {
    if (!lines) return null;
    const code = document.createElement("code");
    for (const line of lines) {
      const row = document.createElement("span");
      row.className = "block min-h-[1lh]";
      for (const token of line) {
        const span = document.createElement("span");
        span.className = "shiki-token";
        for (const [name, value] of Object.entries(token.htmlStyle ?? {})) span.style.setProperty(name, value);
        span.textContent = token.content;
        row.append(span);
      }
      code.append(row);
    }
    return code.outerHTML;
  };
  // No warm-up: a grammar's first use must give the same colours as any later one (tokenize.ts
  // turns off Shiki's per-line time limit, which a slow first use could hit).
  const results = [];
  for (const [language, code] of samples) {
    const [inPage, inWorker] = await Promise.all([tokenize(language, code), highlight(language, code)]);
    results.push({ language, lines: inWorker ? inWorker.length : 0, page: html(inPage), worker: html(inWorker) });
  }
  return results;
}`;

interface Compared {
  language: string;
  lines: number;
  page: string | null;
  worker: string | null;
}

let server: DevServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.getByRole("textbox", { name: "Message" }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the highlighting worker", () => {
  it("gives the same code-block HTML as the tokenizer in the page, for several languages and a big block", async () => {
    const samples = [
      ...SAMPLES,
      ["ts", BIG] as [string, string],
      ["no-such-language", "plain text"] as [string, string],
    ];
    const results = await page.evaluate<Compared[]>(`(${COMPARE})(${JSON.stringify(samples)})`);
    // The app's highlighter answered from its Web Worker, not from the page.
    expect(page.workers().some((worker) => worker.url().includes("highlight.worker"))).toBe(true);

    for (const result of results.slice(0, -1)) {
      expect(result.worker, result.language).not.toBeNull();
      // Coloured for both themes, and with more than one colour (a real grammar ran).
      expect(result.worker, result.language).toContain("--shiki-light:");
      expect(result.worker, result.language).toContain("--shiki-dark:");
      const colours = new Set(result.worker?.match(/--shiki-dark: ?#[0-9a-f]+/gi));
      expect(colours.size, result.language).toBeGreaterThan(2);
      expect(result.worker, result.language).toBe(result.page);
    }
    const big = results.at(-2)!;
    expect(big.lines).toBe(BIG.split("\n").length);
    // An unknown language stays plain in both.
    expect(results.at(-1)).toMatchObject({ worker: null, page: null });
  });
});
