/**
 * Where an answer is cut into the windows output moderation checks (docs/decisions/0010): each
 * window holds at least `size` characters and ends at the first sentence end after that, or is
 * cut at `2 × size` when no sentence ends. The cuts depend on the text alone, never on how the
 * provider's chunks or the room's frames happened to split it, so the same answer is always
 * checked in the same windows, and a stream costs about one check per `size` characters.
 */

export interface TextWindow {
  start: number;
  end: number;
  text: string;
}

/** A sentence ends at `.`, `!`, `?` (and their CJK forms), maybe closed by quotes or brackets, before white space; or at a new line. */
const SENTENCE_END = /[.!?…。！？]["'”’)\]]*(?=\s)|\n/g;

/** Where the window starting at `from` ends, or null while `text` does not yet say. */
export function windowEnd(text: string, from: number, size: number): number | null {
  const limit = from + 2 * size;
  const pattern = new RegExp(SENTENCE_END.source, "g");
  // A sentence end found further back than this cannot end at or after `from + size`.
  pattern.lastIndex = Math.max(from, from + size - 8);
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const end = match.index + match[0].length;
    if (end > limit) break;
    if (end >= from + size) return end;
  }
  if (text.length < limit) return null;
  // No sentence ends in time: cut before the last space, so no word is split across two checks.
  const space = text.lastIndexOf(" ", limit - 1);
  return space >= from + size ? space : limit;
}

/** The windows of one answer, taken as its text grows. */
export class TextWindows {
  private checked: number;

  /** `start`: text already there (a stopped answer being continued) is not checked again. */
  constructor(
    private readonly size: number,
    start = 0,
  ) {
    this.checked = start;
  }

  /** The windows `text` completes since the last call; with `final`, also what remains. */
  take(text: string, final = false): TextWindow[] {
    const windows: TextWindow[] = [];
    for (let end = windowEnd(text, this.checked, this.size); end !== null;) {
      windows.push({ start: this.checked, end, text: text.slice(this.checked, end) });
      this.checked = end;
      end = windowEnd(text, this.checked, this.size);
    }
    if (final && text.length > this.checked) {
      windows.push({ start: this.checked, end: text.length, text: text.slice(this.checked) });
      this.checked = text.length;
    }
    return windows;
  }
}
