// Unit tests for the fence splitter (pure). Collected by vitest.e2e.config.ts.
import { describe, expect, it } from "vitest";
import { splitFences, type Segment } from "./fences.ts";

const join = (segments: Segment[]) =>
  segments.map((s) => (s.kind === "text" ? s.text : s.open + s.code + s.close)).join("");

describe("splitFences", () => {
  const answer = "Intro:\n\n```ts\nconst a = 1;\n```\n\nAfter `inline` text.\n```\nplain\n```";

  it("splits prose and closed code blocks losslessly", () => {
    const segments = splitFences(answer);
    expect(segments.map((s) => s.kind)).toEqual(["text", "code", "text", "code"]);
    expect(segments[1]).toMatchObject({ language: "ts", code: "const a = 1;\n", close: "```\n" });
    expect(segments[3]).toMatchObject({ language: "", code: "plain\n", close: "```" });
    expect(join(segments)).toBe(answer);
  });

  it("is lossless at every streaming prefix, with an open block running to the end", () => {
    for (let length = 0; length <= answer.length; length++) {
      const prefix = answer.slice(0, length);
      expect(join(splitFences(prefix))).toBe(prefix);
    }
    const open = splitFences("Look:\n```py\nprint(1)");
    expect(open.at(-1)).toMatchObject({ kind: "code", language: "py", code: "print(1)", close: "" });
  });

  it("ignores backticks that do not start a line", () => {
    expect(splitFences("a ```b``` c")).toEqual([{ kind: "text", text: "a ```b``` c" }]);
  });
});
