// The incremental lexer must give exactly the blocks a full parse gives, however the text is cut.
import { describe, expect, it } from "vitest";
import { emptyLexState, lexMarkdown, updateLexState, type LexState } from "./incremental.ts";

const SAMPLE = [
  "# Streaming answers",
  "",
  "A paragraph with **bold**, `code` and a [link](https://example.com).",
  "",
  "- a list item",
  "",
  "- a loose item after a blank line",
  "  continued on the next line",
  "",
  "```ts",
  "function add(a: number, b: number) {",
  "",
  "  return a + b;",
  "}",
  "```",
  "",
  "    indented code",
  "",
  "    still the same block",
  "",
  "> a quote",
  "",
  "| a | b |",
  "| - | - |",
  "| 1 | 2 |",
  "",
  "The end.",
].join("\n");

function blocks(state: LexState): Array<[string, string]> {
  return [...state.chunks.flat(), ...state.tail].map((token) => [token.type, token.raw]);
}

describe("incremental Markdown lexing", () => {
  for (const size of [1, 3, 7, 40]) {
    it(`gives the blocks of a full parse when the text arrives ${size} characters at a time`, () => {
      let state = emptyLexState();
      for (let end = size; end < SAMPLE.length; end += size) {
        state = updateLexState(state, SAMPLE.slice(0, end), true);
        // Whatever is frozen is a prefix of the text and never changes again.
        expect(
          SAMPLE.startsWith(
            state.chunks
              .flat()
              .map((t) => t.raw)
              .join(""),
          ),
        ).toBe(true);
      }
      state = updateLexState(state, SAMPLE, false);
      const full = lexMarkdown(SAMPLE).map((token): [string, string] => [token.type, token.raw]);
      expect(blocks(state)).toEqual(full);
      expect(state.chunks.length).toBeGreaterThan(0);
    });
  }

  it("starts over when the text is replaced rather than extended", () => {
    let state = updateLexState(emptyLexState(), SAMPLE, true);
    state = updateLexState(state, "Something else entirely.", false);
    expect(blocks(state)).toEqual([["paragraph", "Something else entirely."]]);
  });
});
