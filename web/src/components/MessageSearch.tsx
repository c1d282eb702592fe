/**
 * Searching the text of one's messages from the command palette: the server query that follows
 * the typing (debounced, the stale request aborted) and the snippet of a hit with its matches
 * highlighted.
 */
import { useEffect, useState } from "react";
import type { SearchResult } from "#protocol/library";
import { searchHistory } from "../api/library.ts";

/** Pause after the last keystroke before asking the server (titles filter locally at once). */
const SEARCH_DEBOUNCE_MS = 150;

interface MessageSearch {
  /** The query these results answer. */
  query: string;
  results: SearchResult[];
  failed: boolean;
}

/**
 * Server-side search of message text (and of titles beyond the local list), debounced; a request
 * still on its way when the text changes again is aborted, so a late answer never wins.
 */
export function useMessageSearch(query: string): MessageSearch | null {
  const [search, setSearch] = useState<MessageSearch | null>(null);
  const trimmed = query.trim();
  useEffect(() => {
    if (trimmed === "") return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchHistory(trimmed, controller.signal).then(
        (results) => setSearch({ query: trimmed, results, failed: false }),
        () => {
          if (!controller.signal.aborted) setSearch({ query: trimmed, results: [], failed: true });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [trimmed]);
  // Results of an earlier query stay until the new ones arrive (less flicker while typing).
  return trimmed === "" ? null : search;
}

/** A matched snippet with its hits highlighted; text only, never HTML from the server. */
export function Snippet({ parts }: { parts: SearchResult["snippet"] }) {
  return (
    <>
      {parts.map((part, index) =>
        part.match ? (
          <mark key={index} className="rounded-sm bg-accent-soft px-0.5 text-ink">
            {part.text}
          </mark>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}
