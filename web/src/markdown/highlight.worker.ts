/// <reference lib="webworker" />
/**
 * The highlighting Web Worker: one request at a time in, its tokens out (or null for a language
 * shiki does not know). Errors are answered too, so the page never waits for a reply that will
 * not come.
 */
import { tokenize } from "./tokenize.ts";

export interface HighlightRequest {
  id: number;
  language: string;
  code: string;
}
export type HighlightReply =
  { id: number; lines: Awaited<ReturnType<typeof tokenize>> } | { id: number; error: string };

declare const self: DedicatedWorkerGlobalScope;

self.addEventListener("message", (event: MessageEvent<HighlightRequest>) => {
  const { id, language, code } = event.data;
  tokenize(language, code).then(
    (lines) => self.postMessage({ id, lines } satisfies HighlightReply),
    (error: unknown) => self.postMessage({ id, error: String(error) } satisfies HighlightReply),
  );
});
