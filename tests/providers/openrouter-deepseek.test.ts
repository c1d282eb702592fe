// OpenRouter and DeepSeek through the OpenAI adapter: their comment lines, reasoning field
// names, usage placement (and OpenRouter's own cost), and their error shapes.
import { describe, expect, it } from "vitest";
import type { ProviderUsage } from "../../worker/providers/types";
import {
  caseRequest,
  deepSeekAdapter,
  drain,
  NORMAL_TEXT,
  openRouterAdapter,
  REASONING_TEXT,
  uniqueTag,
  upstreamRequests,
} from "./harness";

const ADAPTERS = { openrouter: openRouterAdapter, deepseek: deepSeekAdapter };

interface StreamCase {
  adapter: keyof typeof ADAPTERS;
  name: string;
  reasoning?: string;
  usage: ProviderUsage;
}

const STREAMS: StreamCase[] = [
  {
    adapter: "openrouter",
    name: "openrouter-normal",
    usage: {
      inputTokens: 1250,
      outputTokens: 9,
      cachedInputTokens: 1024,
      reasoningTokens: 0,
      costUsd: 0.00031,
    },
  },
  {
    adapter: "openrouter",
    name: "reasoning-openrouter",
    reasoning: REASONING_TEXT,
    usage: {
      inputTokens: 20,
      outputTokens: 35,
      cachedInputTokens: 0,
      reasoningTokens: 26,
      costUsd: 0.0000412,
    },
  },
  {
    adapter: "deepseek",
    name: "deepseek-keep-alive",
    usage: { inputTokens: 64, outputTokens: 9, cachedInputTokens: 0 },
  },
  {
    adapter: "deepseek",
    name: "deepseek-reasoning",
    reasoning: REASONING_TEXT,
    usage: { inputTokens: 40, outputTokens: 52, cachedInputTokens: 32, reasoningTokens: 43 },
  },
];

describe("OpenRouter and DeepSeek: stream shapes", () => {
  for (const stream of STREAMS) {
    it(`${stream.name}: text, reasoning, usage and finish come out exactly once`, async () => {
      const tag = uniqueTag(stream.name);
      const result = await drain(ADAPTERS[stream.adapter](), caseRequest(stream.name, tag));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(NORMAL_TEXT);
      expect(result.reasoning).toBe(stream.reasoning ?? "");
      expect(result.usage).toStrictEqual(stream.usage);
      expect(result.usageEvents).toBe(1);
      expect(result.events.at(-1)).toEqual({ type: "finish", reason: "stop" });
      expect(await upstreamRequests(tag)).toHaveLength(1);
    });
  }

  it("only OpenRouter's cost is taken as the provider's own figure", async () => {
    const result = await drain(deepSeekAdapter(), caseRequest("reasoning-openrouter", uniqueTag("ds-cost")));
    expect(result.usage?.costUsd).toBeUndefined();
  });

  it("the adapters report their own provider ids", () => {
    expect(openRouterAdapter().id).toBe("openrouter");
    expect(deepSeekAdapter().id).toBe("deepseek");
  });
});

interface FailureCase {
  adapter: keyof typeof ADAPTERS;
  name: string;
  maxRetries?: number;
  text: string;
  error: { code: string; retryable: boolean };
  requests: number;
}

const FAILURES: FailureCase[] = [
  // An error chunk (finish_reason "error") after text: an error, the text kept, no retry.
  {
    adapter: "openrouter",
    name: "openrouter-midstream-error",
    text: "Hello! How can",
    error: { code: "upstream_error", retryable: true },
    requests: 1,
  },
  {
    adapter: "openrouter",
    name: "openrouter-first-event-error",
    maxRetries: 1,
    text: "",
    error: { code: "overloaded", retryable: true },
    requests: 2,
  },
  {
    adapter: "openrouter",
    name: "openrouter-credits",
    text: "",
    error: { code: "quota_exhausted", retryable: false },
    requests: 1,
  },
  // OpenRouter's 403 is its moderation, not a bad key.
  {
    adapter: "openrouter",
    name: "openrouter-moderation",
    text: "",
    error: { code: "content_filtered", retryable: false },
    requests: 1,
  },
  {
    adapter: "openrouter",
    name: "openrouter-auth",
    text: "",
    error: { code: "invalid_api_key", retryable: false },
    requests: 1,
  },
  {
    adapter: "deepseek",
    name: "deepseek-insufficient-balance",
    text: "",
    error: { code: "quota_exhausted", retryable: false },
    requests: 1,
  },
  {
    adapter: "deepseek",
    name: "deepseek-auth",
    text: "",
    error: { code: "invalid_api_key", retryable: false },
    requests: 1,
  },
  {
    adapter: "deepseek",
    name: "deepseek-context-too-long",
    text: "",
    error: { code: "context_too_long", retryable: false },
    requests: 1,
  },
];

describe("OpenRouter and DeepSeek: failures", () => {
  for (const failure of FAILURES) {
    it(`${failure.name}: ${failure.error.code} after ${failure.requests} call(s)`, async () => {
      const tag = uniqueTag(failure.name);
      const adapter = ADAPTERS[failure.adapter]({ maxRetries: failure.maxRetries });
      const result = await drain(adapter, caseRequest(failure.name, tag));

      expect(result.text).toBe(failure.text);
      expect(result.error).toMatchObject(failure.error);
      expect(result.events.at(-1)?.type).toBe("error");
      expect(result.finish).toBeUndefined();
      expect(await upstreamRequests(tag)).toHaveLength(failure.requests);
    });
  }

  const RECOVERIES = [
    { adapter: "openrouter", name: "openrouter-rate-limit-then-ok", firstStatus: 429 },
    { adapter: "deepseek", name: "deepseek-overloaded-then-ok", firstStatus: 503 },
  ] as const;
  for (const { adapter, name, firstStatus } of RECOVERIES) {
    it(`${name}: retried once before the first token, then the full answer`, async () => {
      const tag = uniqueTag(name);
      const result = await drain(ADAPTERS[adapter](), caseRequest(name, tag));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(NORMAL_TEXT);
      expect((await upstreamRequests(tag)).map((request) => request.status)).toEqual([firstStatus, 200]);
    });
  }

  it("the provider is named in messages", async () => {
    const result = await drain(openRouterAdapter(), caseRequest("openrouter-credits", uniqueTag("or-name")));
    expect(result.error?.message).toContain("OpenRouter");
  });
});
