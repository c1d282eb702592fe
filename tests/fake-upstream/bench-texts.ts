/**
 * The answers the benchmark cases stream (see bench-cases.ts and bench/). Deterministic, so the
 * benchmark can check that every client received exactly this text. Pure functions, no Node APIs.
 */

/** Word-sized tokens, about five characters each like a real tokenizer's English output. */
const WORDS = [
  " the",
  " room",
  " streams",
  " each",
  " token",
  " to",
  " every",
  " device",
  " that",
  " watches",
  ",",
  " and",
  " nothing",
  " is",
  " lost",
  ".",
];

/** The chunks `[[case:bench tokens=N]]` sends, one per token. */
export function benchChunks(tokens: number): string[] {
  return Array.from({ length: tokens }, (_, index) =>
    index === 0 ? "Bench" : (WORDS[index % WORDS.length] ?? " x"),
  );
}

export function benchText(tokens: number): string {
  return benchChunks(tokens).join("");
}

const CODE_SAMPLES = [
  [
    "```ts",
    "export function mergeDelta(have: string, offset: number, text: string): string | null {",
    "  if (offset > have.length) return null; // a gap: ask the room to resume",
    "  return have + text.slice(have.length - offset);",
    "}",
    "```",
  ],
  [
    "```python",
    "def moving_average(values, window=5):",
    "    total = sum(values[:window])",
    "    yield total / window",
    "    for old, new in zip(values, values[window:]):",
    "        total += new - old",
    "        yield total / window",
    "```",
  ],
  [
    "```sql",
    "SELECT conversation_id, COUNT(*) AS messages, MAX(updated_at) AS last_seen",
    "FROM messages",
    "WHERE status = 'complete'",
    "GROUP BY conversation_id",
    "ORDER BY last_seen DESC",
    "LIMIT 20;",
    "```",
  ],
];

/**
 * A long Markdown answer of about `chars` characters: headings, paragraphs with inline code and
 * emphasis, lists, a table and fenced code blocks in several languages, repeated with numbering.
 */
export function benchMarkdown(chars: number): string {
  const sections: string[] = [];
  let length = 0;
  for (let index = 1; length < chars; index++) {
    const code = CODE_SAMPLES[index % CODE_SAMPLES.length] ?? [];
    const section = [
      `## Part ${index}: how the room keeps up`,
      "",
      `Every device holds the text and its **offset**; a frame that starts past what it has is a gap, so it sends \`resume\` (step ${index}). Frames are coalesced, which keeps a fast stream cheap for _every_ watcher.`,
      "",
      `- the provider streams small chunks, about ${index + 3} characters each`,
      "- the room batches them into frames every few milliseconds",
      "- each device appends by offset and never duplicates text",
      "",
      ...code,
      "",
      "| step | what | cost |",
      "| --- | --- | --- |",
      `| ${index}.1 | parse | low |`,
      `| ${index}.2 | render | depends on the tail only |`,
      "",
    ].join("\n");
    sections.push(section);
    length += section.length + 1;
  }
  return sections.join("\n").slice(0, chars);
}

/** Cuts text into token-sized chunks (a word with its leading space, at most 5 characters). */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S{1,5}|\s+/g) ?? [];
}
