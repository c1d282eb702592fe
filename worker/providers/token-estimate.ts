/**
 * A tokenizer estimate, for answers the provider never reported usage for (an answer stopped
 * mid-stream ends before the provider's usage chunk). It follows how BPE tokenizers split text:
 * a run of letters or digits is about one token per four characters, each punctuation mark is
 * one, and a character outside ASCII (CJK, emoji) is about one token each. It errs a little high
 * rather than low, since it stands in for money spent. Counts it produces are stored as estimates.
 */
import type { ProviderMessage, ProviderRequest } from "./types";

const PIECES = /[A-Za-z]+|[0-9]{1,3}|[^\sA-Za-z0-9]|\s+/gu;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const [piece] of text.matchAll(PIECES)) {
    if (/^\s/.test(piece)) continue; // A space rides with the word after it.
    tokens += /^[A-Za-z]/.test(piece) ? Math.ceil(piece.length / 4) : 1;
  }
  return tokens;
}

/** Framing each message adds (role markers and separators), as chat formats count it. */
const PER_MESSAGE = 4;

/** An image, as vision models commonly bill a medium-sized one; a PDF page about as much. */
const PER_IMAGE = 1_000;
/** PDF bytes per page, roughly, when all that is known is the file's size. */
const PDF_BYTES_PER_PAGE = 50_000;

function messageTokens(message: ProviderMessage): number {
  let tokens = estimateTokens(message.content) + PER_MESSAGE;
  if (message.toolCalls) tokens += estimateTokens(JSON.stringify(message.toolCalls));
  for (const file of message.attachments ?? []) {
    const bytes = (file.data.length * 3) / 4;
    tokens += file.kind === "image" ? PER_IMAGE : Math.ceil(bytes / PDF_BYTES_PER_PAGE) * PER_IMAGE;
  }
  return tokens;
}

/** The prompt tokens of a request: its system prompt, messages and tool definitions. */
export function estimateRequestTokens(request: ProviderRequest): number {
  let tokens = request.system ? estimateTokens(request.system) + PER_MESSAGE : 0;
  for (const message of request.messages) tokens += messageTokens(message);
  if (request.tools) tokens += estimateTokens(JSON.stringify(request.tools));
  return tokens;
}
