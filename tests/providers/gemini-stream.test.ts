// The Gemini native adapter against every successful stream shape the fake upstream plays:
// CRLF frames with no terminator, thought parts, running usage totals, finish reasons.
import { describe, expect, it } from "vitest";
import type { FinishReason } from "#protocol/messages";
import type { ProviderUsage } from "../../worker/providers/types";
import {
  caseRequest,
  drain,
  geminiAdapter,
  NORMAL_TEXT,
  REASONING_TEXT,
  slowTextFromUpstream,
  uniqueTag,
  upstreamRequests,
} from "./harness";

// usageMetadata of the last chunk: prompt 1250 of which 1024 cached, 9 candidate tokens.
const NORMAL_USAGE: ProviderUsage = { inputTokens: 1250, outputTokens: 9, cachedInputTokens: 1024 };

interface StreamCase {
  name: string;
  text: string;
  reasoning?: string;
  usage: ProviderUsage;
  finish?: FinishReason;
}

const CASES: StreamCase[] = [
  { name: "normal", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  // Thoughts are billed as output: 9 candidates + 38 thoughts.
  {
    name: "reasoning",
    text: NORMAL_TEXT,
    reasoning: REASONING_TEXT,
    usage: { inputTokens: 16, outputTokens: 47, reasoningTokens: 38 },
  },
  {
    name: "length",
    text: "This answer is cut short because it hit the",
    usage: { inputTokens: 40, outputTokens: 16 },
    finish: "length",
  },
  // Stopped by a safety filter mid-answer: what arrived is kept, the finish says why it ended.
  {
    name: "safety",
    text: "Here is how to",
    usage: { inputTokens: 12, outputTokens: 4 },
    finish: "content_filter",
  },
  { name: "split-utf8", text: "Café au lait ☕ and party 🎉 done", usage: NORMAL_USAGE },
  { name: "split-crlf", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "unknown-fields", text: NORMAL_TEXT, usage: NORMAL_USAGE },
];

describe("Gemini adapter: stream shapes", () => {
  for (const streamCase of CASES) {
    it(`${streamCase.name}: text, reasoning, usage and finish come out exactly once`, async () => {
      const tag = uniqueTag(`gem-${streamCase.name}`);
      const result = await drain(geminiAdapter(), caseRequest(streamCase.name, tag));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(streamCase.text);
      expect(result.reasoning).toBe(streamCase.reasoning ?? "");
      expect(result.usage).toStrictEqual(streamCase.usage);
      expect(result.usageEvents).toBe(1);
      expect(result.events.at(-1)).toEqual({ type: "finish", reason: streamCase.finish ?? "stop" });
      expect(result.events.filter((event) => event.type === "finish")).toHaveLength(1);
      expect(
        result.events.some((event) => (event.type === "text" || event.type === "reasoning") && !event.text),
      ).toBe(false);
      expect(await upstreamRequests(tag)).toHaveLength(1);
    });
  }

  it("slow: streams every token in order, one text event per chunk", async () => {
    const tag = uniqueTag("gem-slow");
    const result = await drain(geminiAdapter(), caseRequest("slow", tag, { tokens: 30, delay: 2 }));

    expect(result.text).toBe(await slowTextFromUpstream(30));
    expect(result.events.filter((event) => event.type === "text")).toHaveLength(30);
    expect(result.usage).toStrictEqual({ inputTokens: 25, outputTokens: 30 });
    expect(await upstreamRequests(tag)).toHaveLength(1);
  });

  it("thought parts arrive as reasoning before the text", async () => {
    const result = await drain(geminiAdapter(), caseRequest("reasoning", uniqueTag("gem-order")));
    const kinds = result.events.map((event) => event.type);
    expect(kinds.lastIndexOf("reasoning")).toBeLessThan(kinds.indexOf("text"));
  });

  it("sends x-goog-api-key, the model in the path, system apart and assistant turns as `model`", async () => {
    const tag = uniqueTag("gem-request");
    await drain(geminiAdapter(), { ...caseRequest("normal", tag), model: "gemini-2.0-flash" });
    const [request] = await upstreamRequests(tag);

    // The fake upstream refuses requests without ?alt=sse, so an answer proves it was sent.
    expect(request?.status).toBe(200);
    expect(request?.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent");
    expect(request?.headers["x-goog-api-key"]).toBe("AIza-test-gemini");
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toStrictEqual({
      contents: [
        { role: "user", parts: [{ text: "Hi there" }] },
        { role: "model", parts: [{ text: "Hello." }] },
        { role: "user", parts: [{ text: expect.stringContaining("[[case:normal") }] },
      ],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 256 },
    });
  });
});
