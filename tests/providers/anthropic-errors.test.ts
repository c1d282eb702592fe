// Failures of the Anthropic upstream: what is retried (only before the first token), how many
// calls that costs, and the error users see when it gives up.
import { describe, expect, it } from "vitest";
import { anthropicAdapter, caseRequest, drain, NORMAL_TEXT, uniqueTag, upstreamRequests } from "./harness";

interface FailureCase {
  name: string;
  params?: Record<string, number>;
  maxRetries?: number;
  text: string;
  error: { code: string; retryable: boolean };
  requests: number;
}

const FAILURES: FailureCase[] = [
  // Anthropic reports an empty balance as a 400 invalid_request_error.
  { name: "quota", text: "", error: { code: "quota_exhausted", retryable: false }, requests: 1 },
  { name: "server-error", text: "", error: { code: "upstream_error", retryable: true }, requests: 3 },
  { name: "bad-request", text: "", error: { code: "bad_request", retryable: false }, requests: 1 },
  { name: "auth", text: "", error: { code: "invalid_api_key", retryable: false }, requests: 1 },
  { name: "context-too-long", text: "", error: { code: "context_too_long", retryable: false }, requests: 1 },
  // `event: error` after a 200 and some text: an error, never a silent success, never retried.
  {
    name: "midstream-error",
    text: "Hello! How can",
    error: { code: "overloaded", retryable: true },
    requests: 1,
  },
  {
    name: "error-then-done",
    maxRetries: 1,
    text: "",
    error: { code: "upstream_error", retryable: true },
    requests: 2,
  },
  {
    name: "first-event-error",
    maxRetries: 1,
    text: "",
    error: { code: "overloaded", retryable: true },
    requests: 2,
  },
  {
    name: "drop",
    text: "Hello! How",
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

describe("Anthropic adapter: failures", () => {
  for (const failure of FAILURES) {
    const label = `${failure.name}${failure.params ? ` ${JSON.stringify(failure.params)}` : ""}`;
    it(`${label}: ${failure.error.code} after ${failure.requests} call(s)`, async () => {
      const tag = uniqueTag(`ant-${failure.name}`);
      const adapter = anthropicAdapter({ maxRetries: failure.maxRetries });
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
    { name: "overloaded-then-ok", firstStatus: 529 },
  ];
  for (const { name, firstStatus } of RECOVERIES) {
    it(`${name}: retried once before the first token, then the full answer`, async () => {
      const tag = uniqueTag(`ant-${name}`);
      const result = await drain(anthropicAdapter(), caseRequest(name, tag));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(NORMAL_TEXT);
      expect(result.finish).toBe("stop");
      expect((await upstreamRequests(tag)).map((request) => request.status)).toEqual([firstStatus, 200]);
    });
  }

  it("honours retry-after: 0 instead of backing off", async () => {
    const tag = uniqueTag("ant-retry-after");
    await drain(anthropicAdapter({ maxRetryDelayMs: 5_000 }), caseRequest("rate-limit-then-ok", tag));
    const [first, second] = await upstreamRequests(tag);
    // The shortest backoff would be ≥ 187 ms.
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeLessThan(150);
  });

  it("a rate limit that outlasts the retries ends as rate_limited", async () => {
    const tag = uniqueTag("ant-rate-exhausted");
    const result = await drain(
      anthropicAdapter({ maxRetries: 2 }),
      caseRequest("rate-limit-then-ok", tag, { fails: 9 }),
    );
    expect(result.error).toMatchObject({ code: "rate_limited", retryable: true });
    expect(await upstreamRequests(tag)).toHaveLength(3);
  });
});
