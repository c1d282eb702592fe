// Which plan is in force, decided at the moment of asking (worker/limits/plan.ts): a room keeps
// what it read about a person for minutes, so an unpaid plan's grace must end by the clock, not
// by a new read.
import { describe, expect, it } from "vitest";
import { planInForce } from "../../worker/limits/plan";

const pro = JSON.stringify({
  id: "pro",
  name: "Pro",
  rateLimit: 300,
  rateWindowSeconds: 300,
  monthlyTokens: null,
  monthlyCostUsd: 50,
  concurrentGenerations: 6,
  excludedModels: [],
});
const free = JSON.stringify({
  id: "free",
  name: "Free",
  rateLimit: null,
  rateWindowSeconds: null,
  monthlyTokens: null,
  monthlyCostUsd: null,
  concurrentGenerations: null,
  excludedModels: ["gpt-5"],
});

describe("the plan in force", () => {
  it("is the person's own plan until its grace ends, then the plan of their kind", () => {
    const columns = { kind: "user" as const, own: pro, base: free, graceUntil: 1_000 };
    expect(planInForce(columns, 999)).toMatchObject({
      id: "pro",
      limits: { rateLimit: 300, monthlyTokens: null },
      concurrentGenerations: 6,
      excludedModels: [],
    });
    expect(planInForce(columns, 1_000)).toMatchObject({ id: "free", excludedModels: ["gpt-5"] });
    expect(planInForce({ ...columns, graceUntil: null }, 1e15)).toMatchObject({ id: "pro" });
  });

  it("never gives a guest a plan of their own, and reads a missing plan row as the one beneath", () => {
    expect(planInForce({ kind: "guest", own: pro, base: free, graceUntil: null }, 0)).toMatchObject({
      id: "free",
    });
    expect(planInForce({ kind: "user", own: null, base: free, graceUntil: null }, 0)).toMatchObject({
      id: "free",
    });
    expect(planInForce({ kind: "user", own: "not json", base: null, graceUntil: null }, 0)).toEqual({
      id: "free",
      name: "Free",
      limits: {},
      concurrentGenerations: null,
      excludedModels: [],
    });
  });
});
