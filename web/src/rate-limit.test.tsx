// @vitest-environment happy-dom
import { act, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { formatReset, limitSentence } from "./components/LimitHint.tsx";
import {
  clearRateLimit,
  limitKindOf,
  noteModelList,
  noteRateLimited,
  useRateLimit,
  type RateLimitState,
} from "./rate-limit.ts";

afterEach(() => clearRateLimit());

const limited = (message: string, resetAt: number | null, code = "rate_limited"): RateLimitState => ({
  remaining: 0,
  resetAt,
  limited: true,
  message,
  code,
});

describe("the limit hint's sentence", () => {
  const now = 1_000_000;

  it("says once when sending works again, counted from the reset time", () => {
    // The room's refusal, word for word as worker/limits `rateLimitedError` writes it.
    const refusal = "You have sent 10 messages in a short time. Try again in 23 seconds.";
    expect(limitSentence(limited(refusal, now + 23_000), now)).toBe(
      "You have sent 10 messages in a short time. You can send again in 23 seconds.",
    );
    // Ten seconds later the number has moved on (the server's text had not).
    expect(limitSentence(limited(refusal, now + 23_000), now + 10_000)).toBe(
      "You have sent 10 messages in a short time. You can send again in 13 seconds.",
    );
    const demo = "You have sent 60 messages to the demo model in a short time. Try again in 4 minutes.";
    expect(limitSentence(limited(demo, now + 200_000), now)).toBe(
      "You have sent 60 messages to the demo model in a short time. You can send again in 4 minutes.",
    );
  });

  it("leaves a month's allowance to its own words", () => {
    const quota = "You have used this month's allowance. It renews on 2027-01-01.";
    expect(limitSentence(limited(quota, now + 9e8, "quota_exhausted"), now)).toBe(quota);
  });

  it("formats the wait in seconds, then minutes, then a time of day", () => {
    expect(formatReset(now + 1_000, now)).toBe("in 1 second");
    expect(formatReset(now + 59_500, now)).toBe("in 60 seconds");
    expect(formatReset(now + 300_000, now)).toBe("in 5 minutes");
    expect(formatReset(now + 2 * 3_600_000, now)).toMatch(/^at \d/);
  });
});

describe("two limits: the demo's and the real models'", () => {
  it("a refusal for the demo locks only the demo", () => {
    noteModelList([
      { id: "my-demo", provider: "demo" },
      { id: "gpt-5-mini", provider: "openai" },
    ]);
    expect([limitKindOf("my-demo"), limitKindOf("gpt-5-mini"), limitKindOf(null)]).toEqual([
      "demo",
      "chat",
      "chat",
    ]);
    const demo = renderHook(() => useRateLimit("my-demo"));
    const real = renderHook(() => useRateLimit("gpt-5-mini"));
    act(() => noteRateLimited("Too many demo messages.", Date.now() + 60_000, "rate_limited", "demo"));
    expect(demo.result.current.limited).toBe(true);
    expect(real.result.current.limited).toBe(false);
    act(() => noteRateLimited("Too many messages.", Date.now() + 60_000, "rate_limited", "chat"));
    expect(real.result.current.limited).toBe(true);
  });
});
