// Google's failures: HTTP errors in google.rpc.Status shape (a bad key is a 400!), errors inside
// a 200 stream, blocked prompts, drops — what is retried, how many calls, what users see.
import { describe, expect, it } from "vitest";
import { caseRequest, drain, geminiAdapter, NORMAL_TEXT, uniqueTag, upstreamRequests } from "./harness";

interface FailureCase {
  name: string;
  params?: Record<string, number>;
  maxRetries?: number;
  text: string;
  error: { code: string; retryable: boolean };
  requests: number;
}

const FAILURES: FailureCase[] = [
  { name: "auth", text: "", error: { code: "invalid_api_key", retryable: false }, requests: 1 },
  { name: "permission-denied", text: "", error: { code: "invalid_api_key", retryable: false }, requests: 1 },
  { name: "bad-request", text: "", error: { code: "bad_request", retryable: false }, requests: 1 },
  { name: "context-too-long", text: "", error: { code: "context_too_long", retryable: false }, requests: 1 },
  { name: "model-not-found", text: "", error: { code: "model_not_found", retryable: false }, requests: 1 },
  { name: "prompt-blocked", text: "", error: { code: "content_filtered", retryable: false }, requests: 1 },
  { name: "server-error", text: "", error: { code: "upstream_error", retryable: true }, requests: 3 },
  {
    name: "deadline",
    maxRetries: 0,
    text: "",
    error: { code: "upstream_timeout", retryable: true },
    requests: 1,
  },
  // A Status after some text: an error with the text kept, never retried.
  {
    name: "midstream-error",
    text: "Hello! How can I help",
    error: { code: "overloaded", retryable: true },
    requests: 1,
  },
  {
    name: "first-event-error",
    maxRetries: 1,
    text: "",
    error: { code: "upstream_error", retryable: true },
    requests: 2,
  },
  // No terminator exists, so a stream that ends before finishReason is a dropped answer.
  {
    name: "no-finish",
    text: "Hello! How can I help",
    error: { code: "upstream_disconnected", retryable: true },
    requests: 1,
  },
  {
    name: "drop",
    text: "Hello! How can I help",
    error: { code: "upstream_disconnected", retryable: true },
    requests: 1,
  },
  {
    name: "drop",
    params: { after: 0 },
    maxRetries: 1,
    text: "",
    error: { code: "upstream_disconnected", retryable: true },
    requests: 2,
  },
];

describe("Gemini adapter: failures", () => {
  for (const failure of FAILURES) {
    const label = `${failure.name}${failure.params ? ` ${JSON.stringify(failure.params)}` : ""}`;
    it(`${label}: ${failure.error.code} after ${failure.requests} call(s)`, async () => {
      const tag = uniqueTag(`gem-${failure.name}`);
      const adapter = geminiAdapter({ maxRetries: failure.maxRetries });
      const result = await drain(adapter, caseRequest(failure.name, tag, failure.params));

      expect(result.text).toBe(failure.text);
      expect(result.error).toMatchObject(failure.error);
      expect(result.events.at(-1)?.type).toBe("error");
      expect(result.finish).toBeUndefined();
      expect(result.usageEvents).toBe(0);
      expect(await upstreamRequests(tag)).toHaveLength(failure.requests);
    });
  }

  const RECOVERIES = [
    { name: "rate-limit-then-ok", firstStatus: 429 },
    { name: "server-error-then-ok", firstStatus: 500 },
    { name: "overloaded-then-ok", firstStatus: 503 },
  ];
  for (const { name, firstStatus } of RECOVERIES) {
    it(`${name}: retried once before the first token, then the full answer`, async () => {
      const tag = uniqueTag(`gem-${name}`);
      const result = await drain(geminiAdapter(), caseRequest(name, tag));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(NORMAL_TEXT);
      expect(result.finish).toBe("stop");
      expect((await upstreamRequests(tag)).map((request) => request.status)).toEqual([firstStatus, 200]);
    });
  }

  it("waits the RetryInfo.retryDelay from the 429 body (0.4s), not the backoff", async () => {
    const tag = uniqueTag("gem-retry-delay");
    await drain(
      geminiAdapter({ maxRetryDelayMs: 5_000 }),
      caseRequest("rate-limit-then-ok", tag, { retryms: 400 }),
    );
    const [first, second] = await upstreamRequests(tag);
    const gap = (second?.receivedAt ?? 0) - (first?.receivedAt ?? 0);
    expect(gap).toBeGreaterThanOrEqual(380);
    expect(gap).toBeLessThan(1_500);
  });

  it("a RESOURCE_EXHAUSTED that outlasts the retries ends as rate_limited", async () => {
    const tag = uniqueTag("gem-rate-exhausted");
    const result = await drain(
      geminiAdapter({ maxRetries: 1 }),
      caseRequest("rate-limit-then-ok", tag, { fails: 9 }),
    );
    expect(result.error).toMatchObject({ code: "rate_limited", retryable: true });
    expect(await upstreamRequests(tag)).toHaveLength(2);
  });

  it("bad request quotes Google's reason so the user knows what to fix", async () => {
    const result = await drain(geminiAdapter(), caseRequest("bad-request", uniqueTag("gem-bad-message")));
    expect(result.error?.message).toContain("Invalid value at 'generation_config.temperature'");
  });

  it("an unreachable base URL is upstream_unreachable after the retries", async () => {
    const adapter = geminiAdapter({ baseURL: "http://127.0.0.1:9", maxRetries: 1 });
    const result = await drain(adapter, caseRequest("normal", uniqueTag("gem-unreachable")));
    expect(result.error).toMatchObject({ code: "upstream_unreachable", retryable: true });
  });
});
