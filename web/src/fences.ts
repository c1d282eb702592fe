/**
 * Splits a (possibly still streaming) markdown answer into prose and fenced code blocks, so code
 * can be shown as code without a markdown renderer. Lossless: joining every segment's pieces gives
 * back the input exactly (the fences themselves stay in the DOM, visually hidden), and an unclosed
 * fence — a code block still streaming — runs to the end.
 */
export type Segment =
  | { kind: "text"; text: string }
  | {
      kind: "code";
      /** The opening fence line, newline included ("```ts\n"). */
      open: string;
      /** The language named after the opening fence ("ts"), or "". */
      language: string;
      code: string;
      /** The closing fence line with its newline, or "" while the block is still open. */
      close: string;
    };

const FENCE = "```";

/** Index of the next fence that starts a line, at or after `from`; -1 if none. */
function nextFence(text: string, from: number): number {
  let index = text.indexOf(FENCE, from);
  while (index >= 0) {
    if (index === 0 || text[index - 1] === "\n") return index;
    index = text.indexOf(FENCE, index + FENCE.length);
  }
  return -1;
}

export function splitFences(content: string): Segment[] {
  const segments: Segment[] = [];
  let position = 0;
  while (position < content.length) {
    const open = nextFence(content, position);
    if (open < 0) {
      segments.push({ kind: "text", text: content.slice(position) });
      break;
    }
    if (open > position) segments.push({ kind: "text", text: content.slice(position, open) });
    const openEnd = content.indexOf("\n", open);
    const openLine = openEnd < 0 ? content.slice(open) : content.slice(open, openEnd + 1);
    const language = openLine.slice(FENCE.length).trim().split(/\s+/)[0] ?? "";
    if (openEnd < 0) {
      segments.push({ kind: "code", open: openLine, language, code: "", close: "" });
      break;
    }
    const close = nextFence(content, openEnd + 1);
    if (close < 0) {
      segments.push({ kind: "code", open: openLine, language, code: content.slice(openEnd + 1), close: "" });
      break;
    }
    const closeEnd = content.indexOf("\n", close);
    const closeStop = closeEnd < 0 ? content.length : closeEnd + 1;
    segments.push({
      kind: "code",
      open: openLine,
      language,
      code: content.slice(openEnd + 1, close),
      close: content.slice(close, closeStop),
    });
    position = closeStop;
  }
  return segments;
}
