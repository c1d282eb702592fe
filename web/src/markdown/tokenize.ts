/**
 * Shiki, loaded on first use: its core with the JavaScript regex engine (no WASM), two themes, and
 * each language grammar as its own lazily imported chunk. This runs in the highlighting Web Worker
 * (highlight.worker.ts), so grammar compilation and tokenizing never hold up the page; where
 * workers are missing (unit tests) highlight.ts calls it in-thread instead.
 */
import type { HighlighterCore } from "shiki/core";

/** One token: its text and the CSS variables that colour it in the light and dark themes. */
export interface HighlightedToken {
  content: string;
  htmlStyle?: Record<string, string>;
}
export type HighlightedLines = HighlightedToken[][];

let highlighter: Promise<HighlighterCore> | null = null;

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

/** Tokens of `code` in `language` (lower case); null when the language is unknown. */
export async function tokenize(language: string, code: string): Promise<HighlightedLines | null> {
  const { bundledLanguages } = await import("shiki/langs");
  const name = ALIASES[language] ?? language;
  const grammar = (bundledLanguages as Record<string, (() => Promise<unknown>) | undefined>)[name];
  if (!grammar) return null;
  const core = await load();
  if (!core.getLoadedLanguages().includes(name)) {
    await core.loadLanguage(bundledLanguages[name as keyof typeof bundledLanguages]);
  }
  const { tokens } = core.codeToTokens(code, {
    lang: name,
    themes: { light: "github-light-default", dark: "github-dark-default" },
    defaultColor: false,
    // Shiki gives up on a line after 500 ms by default and colours the rest wrongly; on a slow
    // device a grammar's first use can take that long. This runs in a worker: let it finish.
    tokenizeTimeLimit: 0,
  });
  // Only what the page draws crosses to it (the full tokens carry offsets, colours, font styles).
  return tokens.map((line) =>
    line.map((token) =>
      token.htmlStyle ? { content: token.content, htmlStyle: token.htmlStyle } : { content: token.content },
    ),
  );
}
