// The Anthropic adapter against every successful stream shape the fake upstream plays.
import { describe, expect, it } from "vitest";
import type { ProviderUsage } from "../../worker/providers/types";
import {
  anthropicAdapter,
  caseRequest,
  drain,
  NORMAL_TEXT,
  REASONING_TEXT,
  slowTextFromUpstream,
  uniqueTag,
  upstreamRequests,
} from "./harness";

// message_start: input 12 + cache read 2048; message_delta: output 12 (a running total, not +1).
const NORMAL_USAGE: ProviderUsage = { inputTokens: 2060, outputTokens: 12, cachedInputTokens: 2048 };

interface StreamCase {
  name: string;
  text: string;
  reasoning?: string;
  usage: ProviderUsage;
  finish?: "stop" | "length";
}

const CASES: StreamCase[] = [
  { name: "normal", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  {
    name: "reasoning",
    text: NORMAL_TEXT,
    reasoning: REASONING_TEXT,
    usage: { inputTokens: 30, outputTokens: 58, cachedInputTokens: 0 },
  },
  { name: "comments", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "crlf", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "cr", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "split-utf8", text: "Café au lait ☕ and party 🎉 done", usage: NORMAL_USAGE },
  { name: "split-json", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "empty-deltas", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  // message_delta arrived, message_stop did not: the answer is complete, keep it.
  { name: "no-done", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "unknown-event", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "whitespace", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  {
    name: "length",
    text: "This answer is cut short because it hit the",
    usage: { ...NORMAL_USAGE, outputTokens: 16 },
    finish: "length",
  },
];

describe("Anthropic adapter: stream shapes", () => {
  for (const streamCase of CASES) {
    it(`${streamCase.name}: text, reasoning, usage and finish come out exactly once`, async () => {
      const tag = uniqueTag(`ant-${streamCase.name}`);
      const result = await drain(anthropicAdapter(), caseRequest(streamCase.name, tag));

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

  it("slow: streams every token in order", async () => {
    const tag = uniqueTag("ant-slow");
    const result = await drain(anthropicAdapter(), caseRequest("slow", tag, { tokens: 30, delay: 2 }));

    expect(result.text).toBe(await slowTextFromUpstream(30));
    expect(result.events.filter((event) => event.type === "text")).toHaveLength(30);
    expect(result.usage).toStrictEqual({ ...NORMAL_USAGE, outputTokens: 30 });
    expect(result.finish).toBe("stop");
    expect(await upstreamRequests(tag)).toHaveLength(1);
  });

  it("thinking arrives as reasoning before the text; the signature is not shown", async () => {
    const result = await drain(anthropicAdapter(), caseRequest("reasoning", uniqueTag("ant-order")));
    const kinds = result.events.map((event) => event.type);
    expect(kinds.lastIndexOf("reasoning")).toBeLessThan(kinds.indexOf("text"));
    expect(result.reasoning).not.toContain("EqQB");
  });

  it("sends x-api-key, anthropic-version, the system prompt apart, the model and max_tokens", async () => {
    const tag = uniqueTag("ant-request");
    await drain(anthropicAdapter(), caseRequest("normal", tag));
    const [request] = await upstreamRequests(tag);

    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["x-api-key"]).toBe("sk-ant-test");
    expect(request?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toStrictEqual({
      model: "test-model-1",
      max_tokens: 256,
      stream: true,
      system: "Be brief.",
      messages: [
        { role: "user", content: "Hi there" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: expect.stringContaining("[[case:normal") },
      ],
    });
  });
});
