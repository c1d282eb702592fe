/**
 * Incremental lexing of a streaming Markdown text (see Markdown.tsx): the blocks a blank line has
 * closed are lexed once and frozen; only the text after the last such boundary is lexed (and
 * healed) again when more text arrives. Lexing the rest alone gives the same tokens as lexing the
 * whole text, because it starts at a block boundary that nothing later can move.
 */
import { Lexer, type Token } from "marked";
import { endsInsideFence, healMarkdown } from "./heal.ts";

/** Frozen blocks are grouped in chunks of this many tokens, each rendered by one memoized element. */
const CHUNK = 24;

export function lexMarkdown(text: string): Token[] {
  return Lexer.lex(text, { gfm: true, breaks: false });
}

/**
 * The incremental lexer of one streaming text. `chunks` hold the tokens of `text.slice(0, end)`:
 * blocks followed by a blank line that nothing appended later can change (a list or an indented
 * code block may go on after a blank line, so they stay open until something else follows).
 */
export interface LexState {
  /** The frozen prefix, `text.slice(0, end)` of every text seen since. */
  prefix: string;
  end: number;
  /** Full chunks (never change again) and the chunk being filled. */
  chunks: Token[][];
  /** The last result, reused when the same text renders again. */
  text: string;
  streaming: boolean;
  tail: Token[];
  open: boolean;
}

export function emptyLexState(): LexState {
  return { prefix: "", end: 0, chunks: [], text: "", streaming: false, tail: [], open: false };
}

/** Where the tokens can be cut: after the last blank line that closes a block for good. */
function freezeCount(tokens: Token[]): number {
  for (let i = tokens.length - 2; i >= 1; i--) {
    const token = tokens[i]!;
    if (token.type !== "space") continue;
    const before = tokens[i - 1]!;
    if (before.type === "list") continue;
    if (before.type === "code" && (before as { codeBlockStyle?: string }).codeBlockStyle === "indented")
      continue;
    return i + 1;
  }
  return 0;
}

function freeze(state: LexState, tokens: Token[]): void {
  for (const token of tokens) {
    const last = state.chunks.at(-1);
    // A chunk is replaced (not mutated) when it grows, so memoized chunks see a new array.
    if (last && last.length < CHUNK) state.chunks[state.chunks.length - 1] = [...last, token];
    else state.chunks.push([token]);
    state.end += token.raw.length;
  }
}

export function updateLexState(state: LexState, text: string, streaming: boolean): LexState {
  if (state.text === text && state.streaming === streaming) return state;
  // Text only grows while it streams; anything else (an edit, a shorter text) starts over.
  const next =
    state.end > 0 && text.length >= state.end && text.startsWith(state.prefix)
      ? { ...state }
      : emptyLexState();
  next.chunks = next.chunks.slice();
  let tail = text.slice(next.end);
  if (streaming) {
    // Freeze what the new text closed, then heal and lex only the rest.
    const plain = lexMarkdown(tail);
    const count = freezeCount(plain);
    if (count > 0) {
      freeze(next, plain.slice(0, count));
      next.prefix = text.slice(0, next.end);
      tail = text.slice(next.end);
    }
  }
  next.text = text;
  next.streaming = streaming;
  next.open = streaming && endsInsideFence(tail);
  next.tail = lexMarkdown(streaming ? healMarkdown(tail) : tail);
  return next;
}
