/**
 * Makes a streaming answer's unfinished markdown render as it will once finished: an unclosed
 * `**bold`, `*em`, `~~del` or `` `code `` in the last paragraph is closed, a marker with nothing after
 * it yet is dropped, and a link whose URL is still arriving gets its `)`. Code fences need nothing:
 * an unclosed fence already runs to the end of the text (CommonMark), which is what a streaming code
 * block should look like. Only the last paragraph is touched; inline markers never span paragraphs.
 */

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/;

/** True when the text ends inside an unclosed fenced code block. */
export function endsInsideFence(text: string): boolean {
  let open: string | null = null;
  for (const line of text.split("\n")) {
    const match = FENCE_LINE.exec(line);
    if (!match?.[1]) continue;
    const fence = match[1];
    if (open === null) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = null;
  }
  return open !== null;
}

type Marker = "**" | "__" | "*" | "_" | "~~" | "`";

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);
const isSpace = (char: string | undefined) => char === undefined || /\s/.test(char);

interface OpenMarker {
  marker: Marker;
  index: number;
}

/** The inline markers still open at the end of `paragraph`, innermost last. */
function openMarkers(paragraph: string): OpenMarker[] {
  const stack: OpenMarker[] = [];
  let i = 0;
  while (i < paragraph.length) {
    const char = paragraph[i];
    if (char === "\\") {
      i += 2;
      continue;
    }
    if (char === "`") {
      // A code span: skip to its closing backtick, or stop here if it is still open.
      const close = paragraph.indexOf("`", i + 1);
      if (close < 0) {
        stack.push({ marker: "`", index: i });
        break;
      }
      i = close + 1;
      continue;
    }
    if (char === "*" || char === "_" || char === "~") {
      const double = paragraph[i + 1] === char;
      if (char === "~" && !double) {
        i += 1;
        continue;
      }
      const marker = (double ? char + char : char) as Marker;
      const before = paragraph[i - 1];
      const after = paragraph[i + marker.length];
      const atLineStart = i === 0 || before === "\n";
      // A list bullet ("* item") or a lone operator ("2 * 3") is not emphasis.
      if (marker === "*" && atLineStart && after === " ") {
        i += 1;
        continue;
      }
      // snake_case and 2*3*4: intraword underscores never emphasise.
      if (char === "_" && isWordChar(before) && isWordChar(after)) {
        i += marker.length;
        continue;
      }
      const top = stack.at(-1);
      if (top?.marker === marker && !isSpace(before)) stack.pop();
      else if (after === undefined || !isSpace(after)) stack.push({ marker, index: i });
      i += marker.length;
      continue;
    }
    i += 1;
  }
  return stack;
}

/** Closes what is open at the end of a streaming answer; finished text is returned unchanged. */
export function healMarkdown(text: string): string {
  if (text.length === 0 || endsInsideFence(text)) return text;
  const start = text.lastIndexOf("\n\n") + 1;
  const head = text.slice(0, start);
  let paragraph = text.slice(start);

  // A lone "-" (or "=") under a line of text is, for now, a setext heading underline; it is almost
  // always a list item still arriving ("Steps:\n- one"). Hold it back until its text comes.
  const underline = /\n {0,3}[-=][ \t]*$/.exec(paragraph);
  if (underline) paragraph = paragraph.slice(0, underline.index);

  // A link whose URL is still arriving: `[label](https://exa`.
  const link = /\[[^\]\n]*\]\([^)\s]*$/.exec(paragraph);
  if (link) paragraph += ")";

  const open = openMarkers(paragraph);
  let closers = "";
  for (let k = open.length - 1; k >= 0; k--) {
    const { marker, index } = open[k]!;
    const rest = paragraph.slice(index + marker.length);
    if (rest.trim().length === 0 && closers === "") {
      // Nothing inside the marker yet: drop it rather than render an empty `****`.
      paragraph = paragraph.slice(0, index) + rest;
      continue;
    }
    closers += marker;
  }
  // A closer right after whitespace would not close; emphasis ends at the last visible character.
  const trimmed = closers ? paragraph.replace(/\s+$/, "") : paragraph;
  return head + trimmed + closers;
}
