/**
 * The rendered Markdown of finished texts, kept so that a row scrolled back into view (the message
 * log is virtualized) or a chat opened again does not lex and build its elements a second time.
 *
 * The key is the text itself: a finished message's text is its version (an edit or a continued
 * answer is a different text), it needs no id threaded down to the renderer, and two parts or
 * messages with the same text share one entry. The map holds the string the message holds already.
 * React elements are immutable descriptions, so the same ones can be mounted any number of times.
 * Bounded as a least-recently-used list.
 */
import type { ReactNode } from "react";

export const MAX_RENDERED = 400;

const rendered = new Map<string, ReactNode>();

/** The elements for `text`, made by `render` only when they are not kept already. */
export function renderedMarkdown(text: string, render: (text: string) => ReactNode): ReactNode {
  const kept = rendered.get(text);
  if (kept !== undefined) {
    // Most recently used goes last; the first key is the one to drop.
    rendered.delete(text);
    rendered.set(text, kept);
    return kept;
  }
  const made = render(text);
  rendered.set(text, made);
  if (rendered.size > MAX_RENDERED) {
    const oldest = rendered.keys().next().value;
    if (oldest !== undefined) rendered.delete(oldest);
  }
  return made;
}
