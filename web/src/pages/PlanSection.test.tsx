// @vitest-environment happy-dom
// The plan section of Settings with the API answered by a stub: the plan in force with its grace
// warning and renewal, the return from a checkout, and a refusal of the billing portal:
// `npx vitest run --config vitest.e2e.config.ts web/src/pages/PlanSection.test.tsx`
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { BillingStatus } from "#protocol/billing";
import type { SessionUser } from "#protocol/http";
import { resetBilling } from "../billing.ts";
import { loadSchemas } from "../lazy-schemas.ts";
import { Toaster } from "../components/Toaster.tsx";
import type { ModelsState } from "../data.ts";
import { PlanSection } from "./PlanSection.tsx";

const limits = { rateLimit: 300, rateWindowSeconds: 300, monthlyTokens: 20_000_000, monthlyCostUsd: 50 };
const pro = {
  id: "pro",
  name: "Pro",
  description: "Every model.",
  monthlyPriceCents: 2000,
  currency: "usd",
  purchasable: true,
  limits,
  concurrentGenerations: 6,
  excludedModels: [],
};
const end = Date.UTC(2027, 0, 7, 12);
const status: BillingStatus = {
  paymentsEnabled: true,
  plan: { id: "pro", name: "Pro", source: "stripe", graceUntil: Date.UTC(2027, 0, 14, 12) },
  limits,
  subscription: { status: "past_due", planId: "pro", currentPeriodEnd: end, cancelAtPeriodEnd: false },
  hasBillingAccount: true,
  plans: [{ ...pro, id: "free", name: "Free", monthlyPriceCents: 0, purchasable: false }, pro],
};

const user: SessionUser = {
  id: "u1",
  kind: "user",
  email: "robin@example.net",
  displayName: null,
  role: "member",
  emailVerified: true,
};
const models = { models: [], model: null, setModel() {}, loaded: true, reload() {} } satisfies ModelsState;

function answer(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

let requests: string[] = [];

// request() reads answers once the schemas' chunk is in; the page loads it as it starts, so here
// it is loaded before the first test (its first import can outlast findBy's second on a busy machine).
beforeAll(() => loadSchemas());

beforeEach(() => {
  requests = [];
  resetBilling();
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init?: RequestInit) => {
      requests.push(`${init?.method ?? "GET"} ${path}`);
      if (path === "/api/v1/billing") return answer(status);
      if (path === "/api/v1/billing/portal") {
        return answer({ error: { code: "no_billing_account", message: "Pick a plan first." } }, 409);
      }
      return answer({ error: { code: "not_found", message: "No." } }, 404);
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  history.replaceState(null, "", "/");
});

async function show(url = "/settings#plan") {
  history.replaceState(null, "", url);
  await act(async () => {
    render(
      <>
        <PlanSection user={user} models={models} onSignIn={() => {}} />
        <Toaster />
      </>,
    );
  });
  await screen.findByTestId("current-plan");
}

describe("the plan section", () => {
  it("shows the plan in force, its limits, the renewal state and the failed payment's grace", async () => {
    await show();
    expect(screen.getByTestId("current-plan-name").textContent).toBe("Pro");
    const current = screen.getByTestId("current-plan").textContent;
    expect(current).toContain("Subscription");
    expect(current).toContain("300 messages every 5 minutes");
    expect(current).toContain("6 answers at once");
    expect(screen.getByTestId("subscription-state").textContent).toBe("Payment overdue");
    expect(screen.getByTestId("grace-warning").textContent).toContain(
      "Pro stays until Jan 14, 2027; after that you are moved to Free",
    );
  });

  it("says a payment was received after Stripe's checkout, and tidies the address", async () => {
    await show("/settings?billing=success#plan");
    expect((await screen.findByTestId("billing-return-toast")).textContent).toBe(
      "Payment received — your plan updates in a moment.",
    );
    expect(location.search).toBe("");
    expect(location.hash).toBe("#plan");
  });

  it("shows why the billing portal could not open", async () => {
    await show();
    await act(async () => {
      fireEvent.click(screen.getByTestId("manage-billing"));
    });
    expect((await screen.findByTestId("billing-message")).textContent).toContain("Pick a plan first.");
    expect(requests).toContain("POST /api/v1/billing/portal");
  });
});
