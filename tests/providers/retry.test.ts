// The shared retry policy and error mapping, without network: hints, backoff, classification,
// and the rule that nothing is retried once text reached the user.
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  classifyFailure,
  retryAfterMs,
  retryPolicy,
  streamWithRetry,
  type UpstreamFailure,
  UpstreamFailureError,
} from "../../worker/providers/retry";
import type { ProviderEvent } from "../../worker/providers/types";
import { sanitizeUpstreamMessage } from "../../worker/providers/upstream-errors";
import { summarize } from "./harness";

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");

  it("prefers retry-after-ms, then retry-after seconds, then an HTTP date", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "50", "retry-after": "7" }), now)).toBe(50);
    expect(retryAfterMs(new Headers({ "retry-after": "7" }), now)).toBe(7_000);
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 25 Nov 2026 12:00:03 GMT" }), now)).toBe(3_000);
  });

  it("ignores missing or malformed hints and dates in the past", () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 25 Nov 2026 11:00:00 GMT" }), now)).toBe(0);
  });
});

describe("backoffMs", () => {
  it("starts near 250 ms and doubles, with jitter of ±25 %", () => {
    expect([0, 1, 2].map((index) => backoffMs(index, () => 0.5))).toEqual([250, 500, 1000]);
    expect(backoffMs(0, () => 0)).toBe(188);
    expect(backoffMs(0, () => 0.999)).toBeLessThanOrEqual(313);
  });
});

describe("classifyFailure", () => {
  const cases: [UpstreamFailure, string, boolean][] = [
    [{ status: 401 }, "invalid_api_key", false],
    [{ status: 403, type: "permission_error" }, "invalid_api_key", false],
    [{ status: 429, code: "insufficient_quota" }, "quota_exhausted", false],
    [
      { status: 400, message: "Your credit balance is too low to access the Anthropic API." },
      "quota_exhausted",
      false,
    ],
    [{ status: 429, code: "rate_limit_exceeded" }, "rate_limited", true],
    [{ status: 529, type: "overloaded_error" }, "overloaded", true],
    [{ status: 503 }, "overloaded", true],
    [{ status: 500 }, "upstream_error", true],
    [{ status: 408 }, "upstream_error", true],
    [{ status: 409 }, "upstream_error", true],
    [{ status: 404, code: "model_not_found" }, "model_not_found", false],
    [{ status: 400, code: "context_length_exceeded" }, "context_too_long", false],
    [
      { status: 400, message: "prompt is too long: 208310 tokens > 200000 maximum" },
      "context_too_long",
      false,
    ],
    [{ status: 400, code: "content_policy_violation" }, "content_filtered", false],
    [{ status: 422 }, "bad_request", false],
    // In-stream errors: no HTTP status, only a type or an HTTP-like code.
    [{ type: "overloaded_error" }, "overloaded", true],
    [{ code: "502", message: "Provider disconnected" }, "upstream_error", true],
    [{ code: "429" }, "rate_limited", true],
    // Google: a bad key is a 400 whose ErrorInfo reason says so; statuses are google.rpc codes.
    [{ status: 400, type: "INVALID_ARGUMENT", code: "API_KEY_INVALID" }, "invalid_api_key", false],
    [{ status: 403, type: "PERMISSION_DENIED" }, "invalid_api_key", false],
    [{ status: 429, type: "RESOURCE_EXHAUSTED", retryAfterMs: 7_000 }, "rate_limited", true],
    [{ status: 504, type: "DEADLINE_EXCEEDED" }, "upstream_timeout", true],
    [{ type: "UNAVAILABLE", code: "503" }, "overloaded", true],
    [
      {
        status: 400,
        message: "The input token count (1187432) exceeds the maximum number of tokens allowed (1048576).",
      },
      "context_too_long",
      false,
    ],
    // OpenRouter's moderation is a 403 that is not about the key.
    [
      { status: 403, code: "403", message: 'Your input was flagged for "violence".' },
      "content_filtered",
      false,
    ],
    [{ status: 402, message: "Insufficient Balance" }, "quota_exhausted", false],
  ];
  for (const [failure, code, retryable] of cases) {
    it(`${JSON.stringify(failure)} → ${code}`, () => {
      expect(classifyFailure(failure, "OpenAI")).toMatchObject({ code, retryable });
    });
  }

  it("quotes the upstream reason without keys", () => {
    const info = classifyFailure({ status: 400, message: "Bad key sk-proj-abc123456789 in field" }, "OpenAI");
    expect(info.message).toContain("Bad key [redacted] in field");
    expect(info.message).not.toContain("abc123456789");
  });

  it("keeps quoted upstream text short and on one line", () => {
    const quoted = sanitizeUpstreamMessage(`first line\n${"x".repeat(1_000)}`);
    expect(quoted.length).toBeLessThanOrEqual(300);
    expect(quoted).not.toContain("\n");
  });
});

/** Runs `streamWithRetry` over scripted attempts: each entry yields its events then maybe throws. */
async function runScripted(
  attempts: { events: ProviderEvent[]; error?: UpstreamFailure }[],
  maxRetries = 2,
  maxRetryDelayMs = 1,
): Promise<{ events: ProviderEvent[]; calls: number }> {
  let calls = 0;
  const options = {
    providerName: "Test",
    policy: retryPolicy({ maxRetries, maxRetryDelayMs }),
    describeError: () => null,
  };
  const events: ProviderEvent[] = [];
  const stream = streamWithRetry(options, new AbortController().signal, async function* () {
    const attempt = attempts[Math.min(calls, attempts.length - 1)];
    calls++;
    yield* attempt?.events ?? [];
    if (attempt?.error) throw new UpstreamFailureError(attempt.error);
  });
  for await (const event of stream) events.push(event);
  return { events, calls };
}

describe("streamWithRetry", () => {
  const finished: ProviderEvent[] = [
    { type: "text", text: "ok" },
    { type: "finish", reason: "stop" },
  ];

  it("retries a retryable failure before the first token, then streams the answer", async () => {
    const { events, calls } = await runScripted([
      { events: [], error: { status: 503 } },
      { events: finished },
    ]);
    expect(calls).toBe(2);
    expect(summarize(events)).toMatchObject({ text: "ok", finish: "stop", error: undefined });
  });

  it("never retries once text was delivered", async () => {
    const { events, calls } = await runScripted([
      { events: [{ type: "text", text: "par" }], error: { status: 503 } },
    ]);
    expect(calls).toBe(1);
    expect(summarize(events)).toMatchObject({ text: "par", error: { code: "overloaded" } });
  });

  it("never retries once reasoning was delivered", async () => {
    const { calls } = await runScripted([
      { events: [{ type: "reasoning", text: "hmm" }], error: { status: 500 } },
    ]);
    expect(calls).toBe(1);
  });

  it("stops after maxRetries and reports the last failure", async () => {
    const { events, calls } = await runScripted([{ events: [], error: { status: 429 } }], 3);
    expect(calls).toBe(4);
    expect(events).toEqual([
      expect.objectContaining({ type: "error", code: "rate_limited", retryable: true }),
    ]);
  });

  it("does not retry what retrying cannot fix", async () => {
    const { calls } = await runScripted([{ events: [], error: { status: 401 } }]);
    expect(calls).toBe(1);
  });

  it("waits the retry delay the failure body asked for (Gemini's RetryInfo)", async () => {
    const startedAt = Date.now();
    const { calls } = await runScripted(
      [{ events: [], error: { status: 429, retryAfterMs: 150 } }, { events: finished }],
      2,
      5_000,
    );
    expect(calls).toBe(2);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it("obeys x-should-retry: false", async () => {
    const headers = new Headers({ "x-should-retry": "false" });
    const { calls } = await runScripted([{ events: [], error: { status: 500, headers } }]);
    expect(calls).toBe(1);
  });

  it("drops empty text so an empty delta never counts as the first token", async () => {
    const { events, calls } = await runScripted([
      { events: [{ type: "text", text: "" }], error: { status: 500 } },
      { events: finished },
    ]);
    expect(calls).toBe(2);
    expect(events).toEqual(finished);
  });
});
