// @vitest-environment happy-dom
// The pricing cards: what each plan's button does for a guest, an account, a subscriber, and on a
// server without payments: `npx vitest run --config vitest.e2e.config.ts web/src/pages/PlanCards.test.tsx`
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BillingStatus } from "#protocol/billing";
import { PlanCards } from "./PlanCards.tsx";

const limits = { rateLimit: 60, rateWindowSeconds: 300, monthlyTokens: 5_000_000, monthlyCostUsd: 20 };
const plan = (id: string, name: string, cents: number, excludedModels: string[] = []) => ({
  id,
  name,
  description: "",
  monthlyPriceCents: cents,
  currency: "usd",
  purchasable: cents > 0,
  limits,
  concurrentGenerations: 3,
  excludedModels,
});

const status = (change: Partial<BillingStatus> = {}): BillingStatus => ({
  paymentsEnabled: true,
  plan: { id: "free", name: "Free", source: null, graceUntil: null },
  limits,
  subscription: null,
  hasBillingAccount: false,
  plans: [
    plan("guest", "Guest", 0, ["gpt-5"]),
    plan("free", "Free", 0, ["gpt-5", "retired-model"]),
    plan("pro", "Pro", 2000),
  ],
  ...change,
});

const gpt5 = {
  id: "gpt-5",
  provider: "openai",
  name: "GPT-5",
  context: 400_000,
  maxOutput: 128_000,
  caps: { reasoning: true, vision: true, tools: true, json: true, temperature: false },
  pricing: { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
};

function show(billing: BillingStatus, signedIn = true) {
  const handlers = {
    onSignUp: vi.fn(),
    onCheckout: vi.fn(),
    onManage: vi.fn(),
    onExplain: vi.fn(),
  };
  render(<PlanCards status={billing} models={[gpt5]} signedIn={signedIn} busy={null} {...handlers} />);
  return handlers;
}

afterEach(cleanup);

describe("the pricing cards", () => {
  it("show an account its plans (not the guest's) with the models each leaves out", () => {
    show(status());
    expect(screen.queryByTestId("plan-card-guest")).toBeNull();
    const free = screen.getByTestId("plan-card-free");
    expect(free.getAttribute("aria-current")).toBe("true");
    // A model nobody can see any more is not worth naming.
    expect(within(free).getByTestId("plan-models").textContent).toBe("Leaves out GPT-5");
    expect(within(screen.getByTestId("plan-card-pro")).getByTestId("plan-models").textContent).toBe(
      "Every model",
    );
  });

  it("buy a paid plan through checkout", () => {
    const handlers = show(status());
    fireEvent.click(screen.getByTestId("choose-plan-pro"));
    expect(screen.getByTestId("choose-plan-pro").textContent).toBe("Upgrade");
    expect(handlers.onCheckout).toHaveBeenCalledWith(expect.objectContaining({ id: "pro" }));
  });

  it("without payments, explain instead of starting a checkout", () => {
    const handlers = show(status({ paymentsEnabled: false }));
    fireEvent.click(screen.getByTestId("choose-plan-pro"));
    expect(handlers.onCheckout).not.toHaveBeenCalled();
    expect(handlers.onExplain).toHaveBeenCalledWith("Payments are not set up on this server.");
  });

  it("send a subscriber to the billing portal rather than into a second subscription", () => {
    const subscription = {
      status: "active",
      planId: "pro",
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
    };
    const billing = status({ subscription, plans: [...status().plans, plan("team", "Team", 5000)] });
    const handlers = show({
      ...billing,
      plan: { id: "pro", name: "Pro", source: "stripe", graceUntil: null },
    });
    fireEvent.click(screen.getByTestId("choose-plan-team"));
    expect(handlers.onManage).toHaveBeenCalledOnce();
    expect(handlers.onCheckout).not.toHaveBeenCalled();
  });

  it("ask a guest to sign up first", () => {
    const handlers = show(
      status({ plan: { id: "guest", name: "Guest", source: null, graceUntil: null } }),
      false,
    );
    expect(screen.getByTestId("plan-card-guest").textContent).toContain("Guest");
    fireEvent.click(screen.getByTestId("choose-plan-pro"));
    expect(screen.getByTestId("choose-plan-pro").textContent).toBe("Sign up to upgrade");
    expect(handlers.onSignUp).toHaveBeenCalledOnce();
    expect(handlers.onCheckout).not.toHaveBeenCalled();
  });
});
