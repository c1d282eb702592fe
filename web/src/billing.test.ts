// What the page says when the hub reports a plan change, whether an upgrade is worth offering,
// and the plan badge: `npx vitest run --config vitest.e2e.config.ts web/src/billing.test.ts`
import { describe, expect, it } from "vitest";
import type { BillingStatus } from "#protocol/billing";
import { canUpgrade, planBadge, planChangeMessage } from "./billing.ts";
import { modelToSend } from "./data.ts";

const limits = { rateLimit: 60, rateWindowSeconds: 300, monthlyTokens: 0, monthlyCostUsd: 0 };
const plan = (id: string, name: string, cents: number) => ({
  id,
  name,
  description: "",
  monthlyPriceCents: cents,
  currency: "usd",
  purchasable: cents > 0,
  limits,
  concurrentGenerations: 3,
  excludedModels: [],
});

function status(
  change: Partial<Omit<BillingStatus, "plan">> & { plan?: Partial<BillingStatus["plan"]> } = {},
): BillingStatus {
  return {
    paymentsEnabled: true,
    limits,
    subscription: null,
    hasBillingAccount: false,
    plans: [plan("guest", "Guest", 0), plan("free", "Free", 0), plan("pro", "Pro", 2000)],
    ...change,
    plan: { id: "free", name: "Free", source: null, graceUntil: null, ...change.plan },
  };
}

const pro = (extra: Partial<BillingStatus["plan"]> = {}) =>
  status({ plan: { id: "pro", name: "Pro", source: "stripe", ...extra } });

describe("a plan change, in words", () => {
  it("welcomes a bought or granted plan, and names the plan they went back to", () => {
    expect(planChangeMessage(status(), pro())).toEqual({ tone: "info", text: "You're on Pro now." });
    expect(planChangeMessage(status(), pro({ source: "grant" }))?.text).toBe("You're on Pro now.");
    expect(planChangeMessage(pro(), status())).toEqual({ tone: "info", text: "Your plan changed to Free." });
  });

  it("warns when a payment failed and the plan runs on grace, and says when it went through", () => {
    const graceUntil = Date.UTC(2027, 2, 3, 12);
    const failing = pro({ graceUntil });
    const warning = planChangeMessage(pro(), failing);
    expect(warning?.tone).toBe("error");
    expect(warning?.text).toContain("Your last payment failed. Pro stays until Mar 3, 2027");
    expect(planChangeMessage(failing, pro())?.text).toBe("Payment received — you stay on Pro.");
  });

  it("says when a cancelled subscription ends, and stays quiet when nothing visible changed", () => {
    const end = Date.UTC(2027, 0, 7, 12);
    const subscription = { status: "active", planId: "pro", currentPeriodEnd: end, cancelAtPeriodEnd: false };
    const before = { ...pro(), subscription };
    const after = { ...pro(), subscription: { ...subscription, cancelAtPeriodEnd: true } };
    expect(planChangeMessage(before, after)?.text).toBe("Pro is cancelled; it stays until Jan 7, 2027.");
    expect(planChangeMessage(after, after)).toBeNull();
  });
});

describe("upgrade offers and the badge", () => {
  it("offers an upgrade below the most expensive plan only (and while the plan is unknown)", () => {
    expect(canUpgrade(null)).toBe(true);
    expect(canUpgrade(status())).toBe(true);
    expect(canUpgrade(pro())).toBe(false);
  });

  it("shows a badge for a plan of their own, not for the default one", () => {
    expect(planBadge(null)).toBeNull();
    expect(planBadge(status())).toBeNull();
    expect(planBadge(pro())).toBe("Pro");
    expect(planBadge(pro({ source: "grant" }))).toBe("Pro");
  });
});

describe("the model to send with", () => {
  const listed = (id: string, requiresPlan: { id: string; name: string } | null = null) => ({
    id,
    provider: "openai",
    name: id,
    context: 1000,
    maxOutput: 100,
    caps: { reasoning: false, vision: false, tools: false, json: false, temperature: false },
    pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
    requiresPlan,
  });

  it("keeps the remembered choice while the plan has it, and falls back without it", () => {
    const pro = { id: "pro", name: "Pro" };
    expect(modelToSend([listed("a"), listed("b")], "b")).toBe("b");
    // Lost with a plan change: the first model the plan has (the choice comes back with the plan).
    expect(modelToSend([listed("locked", pro), listed("a"), listed("b", pro)], "b")).toBe("a");
    expect(modelToSend([listed("locked", pro)], null)).toBe("locked");
    expect(modelToSend([], "a")).toBeNull();
  });
});
