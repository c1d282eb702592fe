// Plans in words on the pricing cards: `npx vitest run --config vitest.e2e.config.ts web/src/plan-words.test.ts`
import { describe, expect, it } from "vitest";
import {
  describeLimits,
  describeSubscription,
  describeWindow,
  formatPlanPrice,
  listNames,
} from "./plan-words.ts";

describe("plan words", () => {
  it("prices per month in the plan's currency, and nothing as Free", () => {
    expect(formatPlanPrice(2000, "usd")).toBe("$20");
    expect(formatPlanPrice(950, "eur")).toBe("€9.50");
    expect(formatPlanPrice(0, "usd")).toBe("Free");
  });

  it("names a window in its largest whole unit", () => {
    expect(describeWindow(300)).toBe("5 minutes");
    expect(describeWindow(3600)).toBe("hour");
    expect(describeWindow(7200)).toBe("2 hours");
    expect(describeWindow(86_400)).toBe("day");
    expect(describeWindow(90)).toBe("90 seconds");
  });

  it("puts messages per window, the monthly allowance and answers at once into lines", () => {
    const pro = { rateLimit: 300, rateWindowSeconds: 300, monthlyTokens: 20_000_000, monthlyCostUsd: 50 };
    expect(describeLimits(pro, 6)).toEqual([
      "300 messages every 5 minutes",
      "Up to 20M tokens and $50 of usage a month",
      "6 answers at once",
    ]);
    const guest = { rateLimit: 1, rateWindowSeconds: 60, monthlyTokens: 0, monthlyCostUsd: 0.5 };
    expect(describeLimits(guest, 1)).toEqual([
      "1 message every minute",
      "Up to $0.50 of usage a month",
      "1 answer at a time",
    ]);
    expect(describeLimits({ ...guest, monthlyCostUsd: 0 }, 2)[1]).toBe("No monthly cap");
  });

  it("says when a subscription renews or ends, and when its payment is overdue", () => {
    const end = Date.UTC(2027, 0, 7, 12);
    const base = { status: "active", planId: "pro", currentPeriodEnd: end, cancelAtPeriodEnd: false };
    expect(describeSubscription(base)).toBe("Renews on Jan 7, 2027");
    expect(describeSubscription({ ...base, cancelAtPeriodEnd: true })).toBe("Cancels on Jan 7, 2027");
    expect(describeSubscription({ ...base, status: "past_due" })).toBe("Payment overdue");
    expect(describeSubscription({ ...base, status: "canceled" })).toBeNull();
    expect(describeSubscription(null)).toBeNull();
  });

  it("lists names the way people write them", () => {
    expect(listNames(["GPT-5"])).toBe("GPT-5");
    expect(listNames(["GPT-5", "Gemini 2.5 Pro"])).toBe("GPT-5 and Gemini 2.5 Pro");
    expect(listNames(["A", "B", "C"])).toBe("A, B and C");
  });
});
