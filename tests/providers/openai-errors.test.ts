// Failures of an OpenAI-compatible upstream: which are retried (only before the first token),
// how many calls that costs, and the error users see when it gives up.
import { describe, expect, it } from "vitest";
import { caseRequest, drain, NORMAL_TEXT, openAIAdapter, uniqueTag, upstreamRequests } from "./harness";

interface FailureCase {
  name: string;
  params?: Record<string, number>;
  maxRetries?: number;
  /** Text that reached the user before the failure (kept, never retried over). */
  text: string;
  error: { code: string; retryable: boolean };
  requests: number;
}

const FAILURES: FailureCase[] = [
  { name: "quota", text: "", error: { code: "quota_exhausted", retryable: false }, requests: 1 },
  { name: "server-error", text: "", error: { code: "upstream_error", retryable: true }, requests: 3 },
  {
    name: "server-error",
    maxRetries: 0,
    text: "",
    error: { code: "upstream_error", retryable: true },
    requests: 1,
  },
  { name: "bad-request", text: "", error: { code: "bad_request", retryable: false }, requests: 1 },
  { name: "auth", text: "", error: { code: "invalid_api_key", retryable: false }, requests: 1 },
  { name: "context-too-long", text: "", error: { code: "context_too_long", retryable: false }, requests: 1 },
  // OpenRouter: an error chunk after text is a failure, not a successful end; no retry after text.
  {
    name: "midstream-error",
    text: "Hello! How can",
    error: { code: "upstream_error", retryable: true },
    requests: 1,
  },
  // llama.cpp: the error frame is followed by [DONE]; the error must still win.
  { name: "error-then-done", text: "", error: { code: "context_too_long", retryable: false }, requests: 1 },
  // A named `event: error` frame after text (vLLM, gateways): the text is kept, no retry.
  {
    name: "event-error",
    text: "Hello!",
    error: { code: "upstream_error", retryable: true },
    requests: 1,
  },
  // A 200 whose first event is an error: nothing reached the user, so it is retried.
  {
    name: "first-event-error",
    maxRetries: 1,
    text: "",
    error: { code: "upstream_error", retryable: true },
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
    text: "",
    error: { code: "upstream_disconnected", retryable: true },
    requests: 3,
  },
];

describe("OpenAI adapter: failures", () => {
  for (const failure of FAILURES) {
    const label = `${failure.name}${failure.params ? ` ${JSON.stringify(failure.params)}` : ""}`;
    it(`${label} (maxRetries ${failure.maxRetries ?? 2}): ${failure.error.code} after ${failure.requests} call(s)`, async () => {
      const tag = uniqueTag(`oai-${failure.name}`);
      const adapter = openAIAdapter({ maxRetries: failure.maxRetries });
      const result = await drain(adapter, caseRequest(failure.name, tag, failure.params));

      expect(result.text).toBe(failure.text);
      expect(result.error).toMatchObject(failure.error);
      expect(result.events.at(-1)?.type).toBe("error");
      expect(result.finish).toBeUndefined();
      expect(result.usageEvents).toBe(0);
      expect(await upstreamRequests(tag)).toHaveLength(failure.requests);
    });
  }

  for (const name of ["rate-limit-then-ok", "server-error-then-ok", "overloaded-then-ok"]) {
    it(`${name}: retried once before the first token, then the full answer`, async () => {
      const tag = uniqueTag(`oai-${name}`);
      const result = await drain(openAIAdapter(), caseRequest(name, tag));

      expect(result.error).toBeUndefined();
      expect(result.text).toBe(NORMAL_TEXT);
      expect(result.finish).toBe("stop");
      const requests = await upstreamRequests(tag);
      expect(requests.map((request) => request.status)).toEqual([
        name.startsWith("rate") ? 429 : name.startsWith("server") ? 500 : 503,
        200,
      ]);
    });
  }

  it("waits the server's retry-after-ms hint (50 ms), not retry-after's 1 s nor the cap", async () => {
    const tag = uniqueTag("oai-retry-hint");
    await drain(openAIAdapter({ maxRetryDelayMs: 5_000 }), caseRequest("rate-limit-then-ok", tag));
    const [first, second] = await upstreamRequests(tag);
    const gap = (second?.receivedAt ?? 0) - (first?.receivedAt ?? 0);
    expect(gap).toBeGreaterThanOrEqual(45);
    expect(gap).toBeLessThan(900);
  });

  it("gives up when retries run out on a rate limit", async () => {
    const tag = uniqueTag("oai-rate-exhausted");
    const result = await drain(
      openAIAdapter({ maxRetries: 1 }),
      caseRequest("rate-limit-then-ok", tag, { fails: 5 }),
    );
    expect(result.error).toMatchObject({ code: "rate_limited", retryable: true });
    expect(await upstreamRequests(tag)).toHaveLength(2);
  });

  it("messages are for people: no API key, no stack trace", async () => {
    const result = await drain(openAIAdapter(), caseRequest("auth", uniqueTag("oai-auth-message")));
    expect(result.error?.message).toMatch(/API key/);
    expect(result.error?.message).not.toMatch(/sk-|\bat\s.+:\d+/);
  });

  it("bad request quotes the upstream's reason so the user knows what to fix", async () => {
    const result = await drain(openAIAdapter(), caseRequest("bad-request", uniqueTag("oai-bad-message")));
    expect(result.error?.message).toContain("Invalid type for 'messages[0].content'");
  });

  it("an unreachable base URL is upstream_unreachable after the retries", async () => {
    const adapter = openAIAdapter({ baseURL: "http://127.0.0.1:9/v1", maxRetries: 1 });
    const result = await drain(adapter, caseRequest("normal", uniqueTag("oai-unreachable")));
    expect(result.error).toMatchObject({ code: "upstream_unreachable", retryable: true });
    expect(result.text).toBe("");
  });
});
