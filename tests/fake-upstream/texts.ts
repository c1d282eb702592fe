/**
 * The words the fake upstream streams. Kept in one place so the OpenAI and Anthropic scripts
 * send the same answers and tests (and benches) can know exactly what to expect. Worker tests
 * import this file inside workerd too, so it must stay free of Node APIs.
 */

/** The normal answer, already cut the way a tokenizer would stream it. */
/** The prompt and answer tokens the OpenAI `normal` case reports. */
export const NORMAL_TOKENS = { input: 1250, output: 73 };

/** What the OpenAI `title` case (Parley's title request) reports as its usage. */
export const TITLE_USAGE = { input: 96, output: 7 };

export const NORMAL_CHUNKS = ["Hello", "!", " How", " can", " I", " help", " you", " today", "?"];

export const REASONING_CHUNKS = ["The user", " greets me", ";", " answer", " politely", "."];

/** A reply with multi-byte characters, cut so two of them straddle socket writes. */
export const UTF8_CHUNKS = ["Caf", "é au lait", " ☕", " and", " party", " 🎉", " done"];

export const LENGTH_CHUNKS = ["This answer is cut", " short because", " it hit the"];

/** The exact full text the `slow` case streams for `tokens` tokens: "tok1 tok2 … tokN". */
export function slowText(tokens: number): string {
  return slowChunks(tokens).join("");
}

/** `slowText` split into the chunks the `slow` case sends, one per token. */
export function slowChunks(tokens: number): string[] {
  return Array.from({ length: tokens }, (_, index) => (index === 0 ? "tok1" : ` tok${index + 1}`));
}

/**
 * The answer of the `moderated` case: `count` sentences of 100 to 200 characters each, so that
 * with windows of 100 characters each sentence is one window (worker/moderation/windows.ts). The
 * sentence `flagAt` (1-based; 0: none) carries the marker the fake moderation endpoint flags.
 * `label` makes the sentences findable in the moderation log.
 */
export function moderatedSentences(count: number, flagAt: number, label: string): string[] {
  return Array.from({ length: count }, (_, index) => {
    const flag = index + 1 === flagAt ? " [[flag:violence]]" : "";
    return `Part ${index + 1} of answer ${label} says something calm about the weather, the sea, the hills and the long road home${flag}.`;
  });
}

/** `moderatedSentences` joined into the answer's text. */
export function moderatedText(count: number, flagAt: number, label: string): string {
  return moderatedSentences(count, flagAt, label).join(" ");
}

/** That text cut into the chunks the case streams: one word (with its leading space) each. */
export function moderatedChunks(count: number, flagAt: number, label: string): string[] {
  return moderatedText(count, flagAt, label).match(/\s*\S+/g) ?? [];
}
