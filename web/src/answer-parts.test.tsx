// @vitest-environment happy-dom
// How an answer shows the tools it used and JSON answers.
// `npx vitest run --config vitest.e2e.config.ts web/src/answer-parts.test.tsx`.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ToolCall } from "#protocol/messages";
import { jsonAnswer, splitAtToolCalls, summarizeToolCall } from "./answer-parts.ts";
import { AnswerBody } from "./components/AnswerBody.tsx";

const calc = (partial: Partial<ToolCall> = {}): ToolCall => ({
  id: "c1",
  name: "calculate",
  arguments: '{"expression":"2+2"}',
  result: '{"expression":"2+2","result":4}',
  offset: 0,
  ...partial,
});

afterEach(cleanup);

describe("tool steps", () => {
  it("summarizes a call in one line, with the result once the tool answered", () => {
    expect(summarizeToolCall(calc())).toBe("Used calculate · 2+2 → 4");
    expect(summarizeToolCall(calc({ result: null }))).toBe("Using calculate · 2+2…");
    expect(
      summarizeToolCall(
        calc({
          name: "get_current_time",
          arguments: "{}",
          result: '{"iso":"x","timezone":"UTC","local":"Monday"}',
        }),
      ),
    ).toBe("Used get_current_time → Monday");
    expect(summarizeToolCall(calc({ result: '{"error":"Unknown name \\"foo\\"."}' }))).toBe(
      'Used calculate · 2+2 → error: Unknown name "foo".',
    );
  });

  it("places calls where they happened in the text; a running call past the text goes last", () => {
    const text = "Let me work that out.The answer is 4.";
    const parts = splitAtToolCalls(text, [
      calc({ offset: 21 }),
      calc({ id: "c2", offset: 99, result: null }),
    ]);
    expect(parts.map((p) => (p.kind === "text" ? p.text : p.calls.map((c) => c.id).join()))).toEqual([
      "Let me work that out.",
      "c1",
      "The answer is 4.",
      "c2",
    ]);
    expect(splitAtToolCalls("Hi", [])).toEqual([{ kind: "text", text: "Hi" }]);
  });

  it("renders a step that opens to its arguments and result as JSON", () => {
    render(<AnswerBody content="It is 4." toolCalls={[calc()]} streaming={false} />);
    const step = screen.getByRole("button", { name: /Used calculate · 2\+2 → 4/ });
    expect(step.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(step);
    expect(step.getAttribute("aria-expanded")).toBe("true");
    const blocks = Array.from(document.querySelectorAll("pre"), (pre) => pre.textContent);
    expect(blocks).toEqual(['{\n  "expression": "2+2"\n}', '{\n  "expression": "2+2",\n  "result": 4\n}']);
    expect(screen.getByText("It is 4.")).toBeTruthy();
  });

  it("shows a running step until its result arrives", () => {
    const { rerender } = render(<AnswerBody content="" toolCalls={[calc({ result: null })]} streaming />);
    expect(screen.getByTestId("tool-step").dataset.state).toBe("running");
    rerender(<AnswerBody content="" toolCalls={[calc()]} streaming />);
    expect(screen.getByTestId("tool-step").dataset.state).toBe("done");
  });
});

describe("JSON answers", () => {
  it("formats a whole-JSON answer; anything else stays markdown", () => {
    expect(jsonAnswer(' {"a":1,"b":[true]} ')).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}');
    expect(jsonAnswer("[1,2]")).toBe("[\n  1,\n  2\n]");
    expect(jsonAnswer("[1] is a footnote [2]")).toBeNull();
    expect(jsonAnswer('Here it is: {"a":1}')).toBeNull();
    expect(jsonAnswer("42")).toBeNull();
  });

  it("renders a finished JSON answer as a formatted json code block", () => {
    render(<AnswerBody content='{"city":"Paris","sunny":true}' toolCalls={undefined} streaming={false} />);
    const block = screen.getByTestId("json-answer");
    expect(block.textContent).toContain("json");
    expect(block.querySelector("pre")?.textContent).toBe('{\n  "city": "Paris",\n  "sunny": true\n}');
  });
});
