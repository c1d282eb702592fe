import { describe, expect, it } from "vitest";
import { endsInsideFence, healMarkdown } from "./heal.ts";

describe("healMarkdown (streaming input)", () => {
  it.each([
    ["**bold", "**bold**"],
    ["some *emphasis", "some *emphasis*"],
    ["~~gone", "~~gone~~"],
    ["run `npm i", "run `npm i`"],
    ["***both", "***both***"],
    ["**bold *and em", "**bold *and em***"],
    ["a link [docs](https://exa", "a link [docs](https://exa)"],
  ])("closes %j", (partial, healed) => {
    expect(healMarkdown(partial)).toBe(healed);
  });

  it.each([
    "**done** and *done*",
    "snake_case_name and 2 * 3",
    "* a list item",
    "```ts\nconst a = `x",
    "text\n\n```\nunclosed **code",
    "escaped \\*star",
  ])("leaves %j alone", (text) => {
    expect(healMarkdown(text)).toBe(text);
  });

  it("drops a marker that has nothing after it yet", () => {
    expect(healMarkdown("Hello **")).toBe("Hello ");
    expect(healMarkdown("Hello `")).toBe("Hello ");
  });

  it("holds back a lone dash under a line, so a list still arriving never flashes as a heading", () => {
    expect(healMarkdown("Steps:\n-")).toBe("Steps:");
    expect(healMarkdown("Steps:\n- ")).toBe("Steps:");
    expect(healMarkdown("Title\n=")).toBe("Title");
    // Once the item has text it is a list, and a real rule or heading underline stays.
    expect(healMarkdown("Steps:\n- one")).toBe("Steps:\n- one");
    expect(healMarkdown("Title\n---")).toBe("Title\n---");
  });

  it("only heals the last paragraph", () => {
    expect(healMarkdown("first *para\n\nsecond **b")).toBe("first *para\n\nsecond **b**");
  });

  it("knows when the text ends inside a code fence", () => {
    expect(endsInsideFence("```js\nlet a")).toBe(true);
    expect(endsInsideFence("```js\nlet a\n```\nafter")).toBe(false);
    expect(endsInsideFence("~~~\nx\n```\n")).toBe(true);
  });
});
