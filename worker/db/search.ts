/**
 * Search over one person's history: conversation titles (substring, ASCII case-insensitive, like
 * LIKE) and message text (the FTS5 table
 * `messages_fts`, kept in step with `messages` by triggers, migrations/0006). What someone types
 * never reaches FTS5 as query syntax: the message search takes only its words, each one quoted,
 * so `"`, `*`, `NEAR(`, `-`, `:` or parentheses are separators like any other punctuation, and
 * `AND`, `OR`, `NOT` are plain words. Every value is a bound parameter.
 */
import type { SearchResult } from "#protocol/library";

export const MAX_SEARCH_RESULTS = 20;
/** More terms than this add nothing but cost. */
const MAX_TERMS = 16;
/** Private-use characters that bracket a hit in `snippet()` output, split on afterwards. */
const MARK_START = "\uE000";
const MARK_END = "\uE001";
/** Tokens of context `snippet()` keeps around the hits. */
const SNIPPET_TOKENS = 16;

/** The whitespace-separated pieces of a query, at most MAX_TERMS of them. */
export function searchTerms(query: string): string[] {
  return query.trim().split(/\s+/u).filter(Boolean).slice(0, MAX_TERMS);
}

/**
 * The words of a query as FTS5's unicode61 tokenizer sees text: runs of letters and digits (with
 * their combining marks); everything else separates them. At most MAX_TERMS words.
 */
export function searchWords(query: string): string[] {
  const runs = query.match(/[\p{L}\p{N}\p{M}\p{Co}]+/gu) ?? [];
  return runs.filter((run) => /[\p{L}\p{N}\p{Co}]/u.test(run)).slice(0, MAX_TERMS);
}

/**
 * An FTS5 MATCH expression for what someone typed: a message matches when it has every word, in
 * any order. Each word is a quoted prefix: the last one because it may be half typed, the others
 * so that adding a word only ever narrows the results (with "debounce" alone finding "debounces",
 * "debounce function" must find it too). Null when the query has no word.
 */
export function toFtsQuery(query: string): string | null {
  const words = searchWords(query);
  if (words.length === 0) return null;
  // Words hold no quote, so the quoting cannot be broken out of.
  return words.map((word) => `"${word}"*`).join(" ");
}

/**
 * A term as SQLite's lower() would write it: only A-Z fold (SQLite has no Unicode case tables),
 * so `instr(lower(title), term)` behaves like LIKE's case-insensitive match. Not LIKE itself: D1
 * refuses LIKE patterns over 50 bytes, and instr() has no wildcards to escape.
 */
function asciiLower(term: string): string {
  return term.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

type Snippet = SearchResult["snippet"];

/** Splits `snippet()` output on the private markers into plain and matched parts. */
export function splitMarked(text: string): Snippet {
  const parts: Snippet = [];
  let match = false;
  for (const piece of text.split(new RegExp(`([${MARK_START}${MARK_END}])`, "u"))) {
    if (piece === MARK_START) match = true;
    else if (piece === MARK_END) match = false;
    else if (piece !== "") parts.push({ text: piece, match });
  }
  return parts;
}

/** A title split into parts, the pieces matching any term (case-insensitively) marked. */
export function markTitle(title: string, terms: readonly string[]): Snippet {
  if (terms.length === 0) return [{ text: title, match: false }];
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  const parts: Snippet = [];
  let last = 0;
  for (const found of title.matchAll(pattern)) {
    if (found[0] === "") continue;
    if (found.index > last) parts.push({ text: title.slice(last, found.index), match: false });
    parts.push({ text: found[0], match: true });
    last = found.index + found[0].length;
  }
  if (last < title.length) parts.push({ text: title.slice(last), match: false });
  return parts;
}

interface TitleRow {
  id: string;
  title: string;
  updated_at: number;
}

interface MessageRow {
  message_id: string;
  conversation_id: string;
  title: string;
  updated_at: number;
  snippet: string;
}

/**
 * Titles first (newest conversation first), then the best-ranked messages, at most
 * MAX_SEARCH_RESULTS in all, of `ownerId`'s conversations that are not deleted; deleted
 * messages never match.
 */
export async function searchHistory(d1: D1Database, ownerId: string, query: string): Promise<SearchResult[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const titleWhere = terms.map(() => "instr(lower(title), ?) > 0").join(" AND ");
  const { results: titles } = await d1
    .prepare(
      `SELECT id, title, updated_at FROM conversations
       WHERE owner_id = ? AND deleted_at IS NULL AND ${titleWhere}
       ORDER BY updated_at DESC LIMIT ?`,
    )
    .bind(ownerId, ...terms.map(asciiLower), MAX_SEARCH_RESULTS)
    .all<TitleRow>();
  const results: SearchResult[] = titles.map((row) => ({
    conversationId: row.id,
    title: row.title,
    messageId: null,
    snippet: markTitle(row.title, terms),
    updatedAt: row.updated_at,
  }));

  const match = toFtsQuery(query);
  const room = MAX_SEARCH_RESULTS - results.length;
  if (!match || room <= 0) return results;
  const { results: messages } = await d1
    .prepare(
      `SELECT m.id AS message_id, m.conversation_id, c.title, c.updated_at,
              snippet(messages_fts, 0, ?, ?, '…', ?) AS snippet
       FROM messages_fts
       JOIN messages AS m ON m.rowid = messages_fts.rowid
       JOIN conversations AS c ON c.id = m.conversation_id
       WHERE messages_fts MATCH ? AND c.owner_id = ? AND c.deleted_at IS NULL AND m.deleted_at IS NULL
       ORDER BY messages_fts.rank LIMIT ?`,
    )
    .bind(MARK_START, MARK_END, SNIPPET_TOKENS, match, ownerId, room)
    .all<MessageRow>();
  for (const row of messages) {
    results.push({
      conversationId: row.conversation_id,
      title: row.title,
      messageId: row.message_id,
      snippet: splitMarked(row.snippet),
      updatedAt: row.updated_at,
    });
  }
  return results;
}
