// The admin's plan form: only what changed is sent, and bad values name their field:
// `npx vitest run --config vitest.e2e.config.ts web/src/pages/admin/plan-form.test.ts`
import { describe, expect, it } from "vitest";
import type { AdminPlan } from "#protocol/billing";
import { planChanges, planDrafts } from "./plan-form.ts";

const pro: AdminPlan = {
  id: "pro",
  name: "Pro",
  description: "Every model.",
  monthlyPriceCents: 2000,
  currency: "usd",
  stripePriceId: null,
  rateLimit: 300,
  rateWindowSeconds: 300,
  monthlyTokens: 20_000_000,
  monthlyCostUsd: 50,
  concurrentGenerations: 6,
  excludedModels: ["gpt-5"],
  position: 2,
  updatedAt: 0,
};

describe("the plan form", () => {
  it("sends nothing when nothing changed", () => {
    expect(planChanges(pro, planDrafts(pro))).toEqual({ change: {} });
  });

  it("sends only the changed fields: the price in cents, a Stripe price, a limit back to the tier's", () => {
    const drafts = planDrafts(pro);
    drafts.price = "24.99";
    drafts.stripePriceId = " price_1Pro ";
    drafts.limits.monthlyTokens = "";
    drafts.excludedModels = ["gpt-5", "gemini-2.5-pro"];
    expect(planChanges(pro, drafts)).toEqual({
      change: {
        monthlyPriceCents: 2499,
        stripePriceId: "price_1Pro",
        monthlyTokens: null,
        excludedModels: ["gpt-5", "gemini-2.5-pro"],
      },
    });
  });

  it("names the field that is wrong", () => {
    const bad = (edit: (drafts: ReturnType<typeof planDrafts>) => void) => {
      const drafts = planDrafts(pro);
      edit(drafts);
      const result = planChanges(pro, drafts);
      return "invalid" in result ? result.invalid : null;
    };
    expect(bad((d) => (d.name = "  "))).toBe("name");
    expect(bad((d) => (d.price = "-1"))).toBe("price");
    expect(bad((d) => (d.currency = "dollars"))).toBe("currency");
    expect(bad((d) => (d.stripePriceId = "prod_123"))).toBe("stripePriceId");
    expect(bad((d) => (d.limits.rateLimit = "1.5"))).toBe("rateLimit");
    expect(bad((d) => (d.concurrentGenerations = "0"))).toBe("concurrentGenerations");
  });
});
