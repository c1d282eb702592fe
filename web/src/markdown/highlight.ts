/**
 * Syntax highlighting off the main thread. Shiki lives in a Web Worker (highlight.worker.ts, built
 * by Vite as its own module with the grammars as chunks); the page sends a block's code and gets
 * back lean tokens to swap in. Results are cached by language and code, so a block seen before
 * (switching back to a chat) is coloured at once, in the same render.
 */
import type { HighlightReply, HighlightRequest } from "./highlight.worker.ts";
import type { HighlightedLines } from "./tokenize.ts";

export type { HighlightedLines } from "./tokenize.ts";

const results = new Map<string, HighlightedLines>();
const MAX_RESULTS = 300;

const key = (language: string, code: string) => `${language}\u0000${code}`;

/** A cached result, synchronously (no flash of plain code for blocks highlighted before). */
export function peekHighlight(language: string, code: string): HighlightedLines | undefined {
  return results.get(key(language.toLowerCase(), code));
}

type Tokenizer = (language: string, code: string) => Promise<HighlightedLines | null>;

let tokenizer: Tokenizer | null = null;

/** The worker when the browser has one; the same code in-thread otherwise (unit tests). */
function getTokenizer(): Tokenizer {
  if (tokenizer) return tokenizer;
  if (typeof Worker === "undefined") {
    tokenizer = async (language, code) => (await import("./tokenize.ts")).tokenize(language, code);
    return tokenizer;
  }
  const worker = new Worker(new URL("./highlight.worker.ts", import.meta.url), {
    type: "module",
    name: "parley-highlight",
  });
  const pending = new Map<
    number,
    { resolve: (lines: HighlightedLines | null) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  worker.addEventListener("message", (event: MessageEvent<HighlightReply>) => {
    const reply = event.data;
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ("error" in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.lines);
  });
  tokenizer = (language, code) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, language, code } satisfies HighlightRequest);
    });
  return tokenizer;
}

/** Highlights `code`; null when the language is unknown (the block stays plain). */
export async function highlight(language: string, code: string): Promise<HighlightedLines | null> {
  const requested = language.toLowerCase();
  const cached = results.get(key(requested, code));
  if (cached) return cached;
  const lines = await getTokenizer()(requested, code);
  if (!lines) return null;
  if (results.size >= MAX_RESULTS) {
    const oldest = results.keys().next().value;
    if (oldest !== undefined) results.delete(oldest);
  }
  results.set(key(requested, code), lines);
  return lines;
}
