// The OpenAI-compatible adapter against every successful stream shape the fake upstream plays:
// text, reasoning and usage must come out exactly once, whatever the server's quirks.
import { describe, expect, it } from "vitest";
import type { ProviderUsage } from "../../worker/providers/types";
import {
  caseRequest,
  drain,
  NORMAL_TEXT,
  openAIAdapter,
  REASONING_TEXT,
  slowTextFromUpstream,
  uniqueTag,
  upstreamRequests,
} from "./harness";

const NORMAL_USAGE: ProviderUsage = {
  inputTokens: 1250,
  outputTokens: 73,
  cachedInputTokens: 1024,
  reasoningTokens: 64,
};

interface StreamCase {
  name: string;
  params?: Record<string, number>;
  text: string;
  reasoning?: string;
  usage: ProviderUsage | undefined;
  finish?: "stop" | "length";
}

const CASES: StreamCase[] = [
  { name: "normal", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  {
    name: "reasoning",
    text: NORMAL_TEXT,
    reasoning: REASONING_TEXT,
    // DeepSeek: usage on the finishing chunk, cached tokens as prompt_cache_hit_tokens.
    usage: { inputTokens: 16, outputTokens: 47, cachedInputTokens: 8, reasoningTokens: 38 },
  },
  {
    name: "reasoning-openrouter",
    text: NORMAL_TEXT,
    reasoning: REASONING_TEXT,
    usage: { inputTokens: 20, outputTokens: 35, cachedInputTokens: 0, reasoningTokens: 26 },
  },
  { name: "usage-in-last-chunk", text: NORMAL_TEXT, usage: { inputTokens: 8, outputTokens: 9 } },
  { name: "no-usage", text: NORMAL_TEXT, usage: undefined },
  {
    name: "choices-null",
    text: NORMAL_TEXT,
    usage: { inputTokens: 30, outputTokens: 9, cachedInputTokens: 0, reasoningTokens: 0 },
  },
  { name: "comments", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "crlf", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "cr", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "split-utf8", text: "Café au lait ☕ and party 🎉 done", usage: NORMAL_USAGE },
  { name: "split-json", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "empty-deltas", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  // Closed after finish_reason without [DONE]: the answer is complete, keep it.
  { name: "no-done", text: NORMAL_TEXT, usage: undefined },
  { name: "unknown-event", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  { name: "whitespace", text: NORMAL_TEXT, usage: NORMAL_USAGE },
  {
    name: "length",
    text: "This answer is cut short because it hit the",
    usage: { inputTokens: 40, outputTokens: 16, cachedInputTokens: 0, reasoningTokens: 0 },
    finish: "length",
  },
];

describe("OpenAI adapter: stream shapes", () => {
  for (const streamCase of CASES) {
    it(`${streamCase.name}: text, reasoning, usage and finish come out exactly once`, async () => {
      const tag = uniqueTag(`oai-${streamCase.name}`);
      const result = await drain(openAIAdapter(), caseRequest(streamCase.name, tag, streamCase.params));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(streamCase.text);
      expect(result.reasoning).toBe(streamCase.reasoning ?? "");
      expect(result.usage).toStrictEqual(streamCase.usage);
      expect(result.usageEvents).toBe(streamCase.usage ? 1 : 0);
      expect(result.events.at(-1)).toEqual({ type: "finish", reason: streamCase.finish ?? "stop" });
      expect(result.events.filter((event) => event.type === "finish")).toHaveLength(1);
      expect(
        result.events.some((event) => (event.type === "text" || event.type === "reasoning") && !event.text),
      ).toBe(false);
      expect(await upstreamRequests(tag)).toHaveLength(1);
    });
  }

  it("slow: streams every token in order, one text event per chunk", async () => {
    const tag = uniqueTag("oai-slow");
    const result = await drain(openAIAdapter(), caseRequest("slow", tag, { tokens: 30, delay: 2 }));

    expect(result.text).toBe(await slowTextFromUpstream(30));
    expect(result.events.filter((event) => event.type === "text")).toHaveLength(30);
    expect(result.usage).toStrictEqual({
      inputTokens: 25,
      outputTokens: 30,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(result.finish).toBe("stop");
    expect(await upstreamRequests(tag)).toHaveLength(1);
  });

  it("reasoning arrives before the text, as the upstream sent it", async () => {
    const result = await drain(openAIAdapter(), caseRequest("reasoning", uniqueTag("oai-order")));
    const kinds = result.events.map((event) => event.type);
    expect(kinds.lastIndexOf("reasoning")).toBeLessThan(kinds.indexOf("text"));
  });

  it("sends a streaming request with usage, bearer auth, the model and max tokens", async () => {
    const tag = uniqueTag("oai-request");
    await drain(openAIAdapter(), caseRequest("normal", tag));
    const [request] = await upstreamRequests(tag);

    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-test-openai");
    expect(request?.body).toMatchObject({
      model: "test-model-1",
      stream: true,
      stream_options: { include_usage: true },
      // Not api.openai.com, so the widely supported `max_tokens`.
      max_tokens: 256,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi there" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: expect.stringContaining("[[case:normal") },
      ],
    });
  });
});
