// The keyless demo provider: a deterministic markdown answer, streamed word by word, that stops
// promptly on Stop.
import { describe, expect, it } from "vitest";
import { DemoProvider, demoAnswer, demoChunks } from "../../worker/providers/demo";
import type { ProviderRequest } from "../../worker/providers/types";
import { drain } from "./harness";

function demoRequest(prompt: string, maxOutputTokens = 4_096): ProviderRequest {
  return { model: "demo", maxOutputTokens, messages: [{ role: "user", content: prompt }] };
}

describe("demo provider", () => {
  const prompt = "How do I debounce a function in TypeScript without pulling in lodash for it?";

  it("streams exactly demoAnswer(prompt), in 150–250 word-sized chunks, then usage and stop", async () => {
    const result = await drain(new DemoProvider({ tokenDelayMs: 0 }), demoRequest(prompt));
    const texts = result.events.filter((event) => event.type === "text");

    expect(result.text).toBe(demoAnswer(prompt));
    expect(texts.length).toBeGreaterThanOrEqual(150);
    expect(texts.length).toBeLessThanOrEqual(250);
    expect(texts.every((event) => event.text.trim().split(/\s+/).length <= 1)).toBe(true);
    expect(result.usage).toEqual({ inputTokens: Math.ceil(prompt.length / 4), outputTokens: texts.length });
    expect(result.events.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });

  it("answers in markdown with a bold lead, a list and a ~10-line ts code block", () => {
    const answer = demoAnswer(prompt);
    expect(answer.startsWith("**")).toBe(true);
    expect(answer.match(/^- /gm)?.length).toBeGreaterThanOrEqual(3);
    const code = /```ts\n([\s\S]*?)\n```/.exec(answer)?.[1] ?? "";
    expect(code.split("\n").length).toBeGreaterThanOrEqual(8);
    expect(code.split("\n").length).toBeLessThanOrEqual(14);
  });

  it("is deterministic per prompt and quotes the first 60 characters of it", () => {
    expect(demoAnswer(prompt)).toBe(demoAnswer(prompt));
    expect(demoAnswer(prompt)).toContain(`"${prompt.slice(0, 60)}…"`);
    expect(demoAnswer("Hello")).toContain('"Hello"');
    expect(demoAnswer("Hello")).not.toBe(demoAnswer("Goodbye"));
  });

  it("chunks join back to the exact text, whitespace included", () => {
    const answer = demoAnswer("multi\nline   prompt");
    expect(demoChunks(answer).join("")).toBe(answer);
  });

  it("paces chunks by tokenDelayMs", async () => {
    const startedAt = Date.now();
    await drain(new DemoProvider({ tokenDelayMs: 20 }), demoRequest("pace", 6));
    // 6 chunks → 5 pauses of 20 ms.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(95);
  });

  it("stops mid-delay on abort, without usage or finish", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const result = await drain(
      new DemoProvider({ tokenDelayMs: 1_000 }),
      demoRequest(prompt),
      controller.signal,
      (_event, index) => {
        if (index === 0) {
          abortedAt = Date.now();
          setTimeout(() => controller.abort(), 10);
        }
      },
    );

    expect(Date.now() - abortedAt).toBeLessThan(300);
    expect(result.events.map((event) => event.type)).toEqual(["text"]);
  });

  it("respects maxOutputTokens and reports length", async () => {
    const result = await drain(new DemoProvider({ tokenDelayMs: 0 }), demoRequest(prompt, 10));
    expect(result.events.filter((event) => event.type === "text")).toHaveLength(10);
    expect(result.finish).toBe("length");
    expect(result.usage?.outputTokens).toBe(10);
  });
});
