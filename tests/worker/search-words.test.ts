// Ctrl+K search with more than one word (worker/db/search.ts): a message matches when it has every
// word, in any order, each word also matching its longer forms; punctuation and FTS5 operators
// typed into the box are separators, never query syntax. Real D1 with its FTS5 index.
import { describe, expect, it } from "vitest";
import type { SearchResult } from "#protocol/library";
import { newGuest, postChat, readSse, workerFetch } from "./helpers";

/** A new guest's conversation with `prompt` (the demo model's answer quotes the prompt). */
async function conversationWith(prompt: string): Promise<{ cookie: string; conversationId: string }> {
  const cookie = await newGuest();
  const events = await readSse(
    await postChat(cookie, { model: "parley-demo", messages: [{ role: "user", content: prompt }] }),
  );
  expect(events.at(-1)?.event).toBe("done");
  const meta = events.find((event) => event.event === "meta");
  return { cookie, conversationId: String(meta?.data.conversationId) };
}

async function search(cookie: string, q: string): Promise<SearchResult[]> {
  const response = await workerFetch(`/api/v1/search?q=${encodeURIComponent(q)}`, { headers: { cookie } });
  expect(response.status, `q=${q}`).toBe(200);
  return (await response.json<{ results: SearchResult[] }>()).results;
}

/** The ids of the messages (not titles) that `q` finds, sorted. */
async function messageHits(cookie: string, q: string): Promise<string[]> {
  const results = await search(cookie, q);
  return results.flatMap((result) => (result.messageId === null ? [] : [result.messageId])).sort();
}

const marked = (result: SearchResult | undefined) =>
  (result?.snippet ?? []).filter((part) => part.match).map((part) => part.text.toLowerCase());

describe("searching with several words", () => {
  it("finds a message that has all the words, apart and in any order", async () => {
    const { cookie, conversationId } = await conversationWith(
      "Near the top of my app the debounce helper wraps a function and waits for quiet input.",
    );
    const results = await search(cookie, "debounce function");
    const hits = results.filter((result) => result.messageId !== null);
    // The prompt, and the demo's answer that quotes it.
    expect(hits).toHaveLength(2);
    expect(hits.every((hit) => hit.conversationId === conversationId)).toBe(true);
    expect(marked(hits[0])).toEqual(expect.arrayContaining(["debounce", "function"]));

    const inOrder = await messageHits(cookie, "debounce function");
    expect(await messageHits(cookie, "function debounce")).toEqual(inOrder);
    expect(await messageHits(cookie, "FUNCTION   Debounce")).toEqual(inOrder);
  });

  it("finds nothing when one of the words is missing", async () => {
    const { cookie } = await conversationWith("The debounce helper wraps a function.");
    expect(await messageHits(cookie, "debounce")).toHaveLength(2);
    expect(await search(cookie, "debounce zebra")).toEqual([]);
    expect(await search(cookie, "zebra function")).toEqual([]);
  });

  it("matches the word being typed as a prefix, and every word's longer forms", async () => {
    // The greeting's example prompt: "debounce" alone finds "debounces", so adding a word must too.
    const { cookie } = await conversationWith(
      "Write a TypeScript function that debounces another function, with tests.",
    );
    const alone = await messageHits(cookie, "debounce");
    expect(alone).toHaveLength(2);
    expect(await messageHits(cookie, "debounce function")).toEqual(alone);
    expect(await messageHits(cookie, "function debounce")).toEqual(alone);
    expect(await messageHits(cookie, "debounce func")).toEqual(alone);
    expect(await messageHits(cookie, "debounce f")).toEqual(alone);
    expect(await messageHits(cookie, "TypeScript another debounce")).toEqual(alone);
    // A prefix matches the start of a word only.
    expect(await messageHits(cookie, "debounce unction")).toEqual([]);
  });

  it("treats quotes, operators and brackets as separators between plain words", async () => {
    const { cookie } = await conversationWith(
      "Near the top of my app the debounce helper wraps a function and waits for quiet input.",
    );
    const found = await messageHits(cookie, "debounce function");
    expect(found).toHaveLength(2);
    for (const q of [
      '"debounce function"',
      '"debounce" "function"',
      '"debounce',
      'function"*debounce',
      "debounce* function*",
      "debounce:function",
      "(debounce) AND (function)",
      "NEAR(debounce function)",
      "debounce -function",
      "+debounce ^function",
      "{debounce function}",
      "debounce\\function'",
    ]) {
      expect(await messageHits(cookie, q), `q=${q}`).toEqual(found);
    }
    // Operator words are words: OR does not widen the search, NOT does not exclude.
    expect(await search(cookie, "debounce OR zebra")).toEqual([]);
    expect(await messageHits(cookie, "debounce NOT function")).toEqual(
      await messageHits(cookie, "debounce not function"),
    );
    // Nothing but punctuation: an answer without message hits (the box is not empty).
    for (const q of ['"', "*", "-", ":", "()", '"*"', "^", "(*)", '""']) {
      expect(await messageHits(cookie, q), `q=${q}`).toEqual([]);
    }
  });
});
