// Plans and payments through the real worker and the real `stripe` SDK, against the fake Stripe
// API (tests/fake-upstream/stripe.ts): checkout makes one customer per account; a completed
// checkout raises the limits on the very next request and the new limit is enforced at its own
// number; a Pro-only model is refused on Free; the webhook is the one billing route reachable
// without a session.
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/http/app";
import { ORIGIN, slowPrompt, uniqueTag, workerFetch } from "./helpers";
import {
  account,
  billingOf,
  checkoutAndPay,
  control,
  deliver,
  event,
  personRow,
  send,
  sessionIdOf,
  setPlan,
} from "./billing-harness";

const PRICE = "price_parleyProMonthly";

beforeAll(async () => {
  await control("prices", { id: PRICE, unit_amount: 2000 });
  // Small numbers, so that the limits are reached in a few messages.
  await setPlan("free", { rateLimit: 3, rateWindowSeconds: 3600, concurrentGenerations: 1 });
  await setPlan("pro", { stripePriceId: PRICE, rateLimit: 6, rateWindowSeconds: 3600 });
});

describe("checkout", () => {
  it("creates one Stripe customer per account, however many times it is asked, at once or later", async () => {
    const who = await account();
    const asked = await Promise.all(
      [1, 2, 3].map(() => who.browser.post("/api/v1/billing/checkout", { plan: "pro" })),
    );
    const later = await who.browser.post("/api/v1/billing/checkout", { plan: "pro" });
    const urls: string[] = [];
    for (const response of [...asked, later]) {
      expect(response.status).toBe(200);
      urls.push((await response.json<{ url: string }>()).url);
    }
    expect(new Set(urls.map(sessionIdOf)).size).toBe(4);
    const customers = await control<{ data: Stripe.Customer[] }>(`customers?metadata[userId]=${who.id}`);
    expect(customers.data).toHaveLength(1);
    expect((await personRow(who.id))?.stripe_customer_id).toBe(customers.data[0]!.id);
    const sessions = await control<{ data: Stripe.Checkout.Session[] }>(
      `checkout/sessions?client_reference_id=${who.id}`,
    );
    expect(sessions.data.map((session) => session.customer)).toEqual(Array(4).fill(customers.data[0]!.id));
    expect(sessions.data[0]).toMatchObject({
      mode: "subscription",
      success_url: "http://localhost/settings?billing=success#plan",
    });
  });

  it("refuses a plan that cannot be bought, a guest, and a second subscription", async () => {
    const who = await account();
    const free = await who.browser.post("/api/v1/billing/checkout", { plan: "free" });
    expect(free.status).toBe(400);
    expect(await free.json()).toMatchObject({ error: { code: "not_purchasable" } });
    const unknown = await who.browser.post("/api/v1/billing/checkout", { plan: "gold" });
    expect(unknown.status).toBe(404);

    const guest = await workerFetch("/api/v1/billing/checkout", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ plan: "pro" }),
    });
    expect(guest.status).toBe(403);

    const { session } = await checkoutAndPay(who);
    expect((await deliver(await event("checkout.session.completed", { object: session }))).status).toBe(200);
    const again = await who.browser.post("/api/v1/billing/checkout", { plan: "pro" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "already_subscribed" } });
    const portal = await who.browser.post("/api/v1/billing/portal");
    expect(portal.status).toBe(200);
    expect((await portal.json<{ url: string }>()).url).toContain("/stripe/portal/");
  });
});

describe("a completed checkout", () => {
  it("raises the limits on the very next request, and the 429 comes at the new number", async () => {
    const who = await account();
    // A plan's limits are for real models (the demo has its own).
    for (let i = 0; i < 3; i++) expect((await send(who, "gpt-5-mini")).status).toBe(200);
    expect(await send(who, "gpt-5-mini")).toEqual({ status: 429, code: "rate_limited" });
    expect((await billingOf(who)).plan.id).toBe("free");

    const { session } = await checkoutAndPay(who);
    const delivered = await deliver(await event("checkout.session.completed", { object: session }));
    expect(delivered.status).toBe(200);
    expect(await billingOf(who)).toMatchObject({
      plan: { id: "pro", source: "stripe" },
      limits: { rateLimit: 6 },
    });

    // The very next request: the fourth message goes through, and so do the fifth and sixth.
    for (let i = 0; i < 3; i++) expect((await send(who, "gpt-5-mini")).status).toBe(200);
    expect(await send(who, "gpt-5-mini")).toEqual({ status: 429, code: "rate_limited" });
  });
});

describe("models a plan leaves out", () => {
  it("refuses a Pro-only model on Free with upgrade_required, says which plan has it, and allows it on Pro", async () => {
    const who = await account();
    expect(await send(who, "gpt-5")).toEqual({ status: 403, code: "upgrade_required" });
    const models = await (
      await who.browser.fetch("/api/v1/models")
    ).json<{
      models: Array<{ id: string; requiresPlan: { id: string } | null }>;
    }>();
    expect(models.models.find((model) => model.id === "gpt-5")?.requiresPlan).toMatchObject({ id: "pro" });
    expect(models.models.find((model) => model.id === "gpt-5-mini")?.requiresPlan).toBeNull();

    const { session } = await checkoutAndPay(who);
    await deliver(await event("checkout.session.completed", { object: session }));
    expect((await send(who, "gpt-5")).status).toBe(200);
  });
});

describe("answers at once", () => {
  it("follows the plan: a second answer while one is being written is refused on a plan of one", async () => {
    const who = await account();
    const ask = (content: string) =>
      who.browser.fetch("/api/v1/chat/stream", {
        method: "POST",
        json: { model: "gpt-5-mini", messages: [{ role: "user", content }] },
      });
    const first = await ask(slowPrompt(uniqueTag("one-at-a-time"), 40, 20));
    expect(first.status).toBe(200);
    const second = await ask("And another thing");
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: { code: "too_many_generations" } });
    await first.text();
  });
});

describe("the webhook route", () => {
  it("is reached without a session or an Origin, while the other billing routes are not", async () => {
    const unsigned = await workerFetch("/api/v1/billing/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://elsewhere.example" },
      body: "{}",
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ error: { code: "bad_signature" } });
    expect(unsigned.headers.get("set-cookie")).toBeNull();

    const who = await account();
    const crossSite = await workerFetch("/api/v1/billing/checkout", {
      method: "POST",
      headers: {
        cookie: who.browser.cookie,
        "content-type": "application/json",
        origin: "https://elsewhere.example",
      },
      body: JSON.stringify({ plan: "pro" }),
    });
    expect(crossSite.status).toBe(403);
    expect((await workerFetch("/api/v1/billing/webhook")).status).toBe(404);
  });
});

describe("without Stripe", () => {
  const request = (
    who: { browser: { cookie: string } },
    path: string,
    vars: Record<string, string>,
    method = "GET",
  ) =>
    createApp().request(
      `${ORIGIN}${path}`,
      {
        method,
        headers: { cookie: who.browser.cookie, origin: ORIGIN, "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ plan: "pro" }) } : {}),
      },
      { ...env, ...vars },
    );

  it("shows the plans, and buying one says payments are not set up", async () => {
    const who = await account();
    const off = { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "" };
    const status = await (
      await request(who, "/api/v1/billing", off)
    ).json<{
      paymentsEnabled: boolean;
      plan: { id: string };
      plans: Array<{ id: string; purchasable: boolean; monthlyPriceCents: number }>;
    }>();
    expect(status.paymentsEnabled).toBe(false);
    expect(status.plan.id).toBe("free");
    expect(status.plans.map((plan) => [plan.id, plan.purchasable])).toEqual([
      ["guest", false],
      ["free", false],
      ["pro", false],
    ]);
    const checkout = await request(who, "/api/v1/billing/checkout", off, "POST");
    expect(checkout.status).toBe(503);
    expect(await checkout.json()).toMatchObject({
      error: { code: "payments_not_configured", message: "Payments are not set up on this server." },
    });
    const customers = await control<{ data: unknown[] }>(`customers?metadata[userId]=${who.id}`);
    expect(customers.data).toEqual([]);
  });

  it("refuses to run with a malformed key, or a key without its webhook secret, naming the variable", async () => {
    const who = await account();
    const malformed = await request(who, "/api/v1/billing", { STRIPE_SECRET_KEY: "pk_live_notASecretKey" });
    expect(malformed.status).toBe(503);
    const text = await malformed.text();
    expect(text).toContain("STRIPE_SECRET_KEY");
    expect(text).not.toContain("pk_live_notASecretKey");
    const alone = await request(who, "/api/v1/billing", { STRIPE_WEBHOOK_SECRET: "" });
    expect(alone.status).toBe(503);
    expect(await alone.json()).toMatchObject({
      error: { code: "misconfigured", message: expect.stringContaining("STRIPE_WEBHOOK_SECRET must be set") },
    });
  });
});
