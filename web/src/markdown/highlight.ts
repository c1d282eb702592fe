/**
 * Syntax highlighting, loaded on first use: shiki's core with the JavaScript regex engine (no WASM),
 * two themes, and each language grammar as its own lazily imported chunk. Results are cached by
 * language and code, so a block seen before (switching back to a chat) is coloured at once.
 */
import type { HighlighterCore, ThemedToken } from "shiki/core";

export type HighlightedLines = ThemedToken[][];

let highlighter: Promise<HighlighterCore> | null = null;
const results = new Map<string, HighlightedLines>();
const MAX_RESULTS = 300;

const ALIASES: Record<string, string> = { sh: "bash", shell: "bash", zsh: "bash", console: "bash" };

function load(): Promise<HighlighterCore> {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
      import("shiki/core"),
      import("shiki/engine/javascript"),
    ]);
    return createHighlighterCore({
      themes: [
        import("shiki/themes/github-light-default.mjs"),
        import("shiki/themes/github-dark-default.mjs"),
      ],
      langs: [],
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    });
  })();
  return highlighter;
}

const key = (language: string, code: string) => `${language}\u0000${code}`;

/** A cached result, synchronously (no flash of plain code for blocks highlighted before). */
export function peekHighlight(language: string, code: string): HighlightedLines | undefined {
  return results.get(key(language.toLowerCase(), code));
}

/** A macrotask boundary: lets the page paint and handle input between two steps. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * One highlight at a time, each step in its own task: when several blocks finish together (an
 * answer that completes, a chat that opens), their tokenizing does not add up to one long task.
 */
let queue: Promise<unknown> = Promise.resolve();

/** Highlights `code`; null when the language is unknown (the block stays plain). */
export function highlight(language: string, code: string): Promise<HighlightedLines | null> {
  const requested = language.toLowerCase();
  const cached = results.get(key(requested, code));
  if (cached) return Promise.resolve(cached);
  const run = queue.then(() => highlightNow(requested, code));
  queue = run.catch(() => undefined);
  return run;
}

async function highlightNow(requested: string, code: string): Promise<HighlightedLines | null> {
  const cached = results.get(key(requested, code));
  if (cached) return cached;
  const { bundledLanguages } = await import("shiki/langs");
  const name = ALIASES[requested] ?? requested;
  const grammar = (bundledLanguages as Record<string, (() => Promise<unknown>) | undefined>)[name];
  if (!grammar) return null;
  const core = await load();
  if (!core.getLoadedLanguages().includes(name)) {
    await core.loadLanguage(bundledLanguages[name as keyof typeof bundledLanguages]);
  }
  await nextTask();
  const { tokens } = core.codeToTokens(code, {
    lang: name,
    themes: { light: "github-light-default", dark: "github-dark-default" },
    defaultColor: false,
  });
  if (results.size >= MAX_RESULTS) {
    const oldest = results.keys().next().value;
    if (oldest !== undefined) results.delete(oldest);
  }
  results.set(key(requested, code), tokens);
  return tokens;
}
