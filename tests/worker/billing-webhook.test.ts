// Stripe's webhook through the real worker: a bad or stale signature is refused and changes
// nothing; a replayed event changes nothing; events out of order end in the subscription's real
// state; a failed payment keeps the plan for the grace period, then the person is on Free; an
// admin's grant outranks subscriptions until it is taken back. Every event is recorded.
import { env } from "cloudflare:workers";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import {
  account,
  admin,
  billingOf,
  checkoutAndPay,
  control,
  deliver,
  event,
  personRow,
  send,
  setPlan,
  type Account,
} from "./billing-harness";

const PRICE = "price_parleyProWebhooks";
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  await control("prices", { id: PRICE, unit_amount: 2000 });
  await setPlan("pro", { stripePriceId: PRICE });
});

async function recorded(eventId: string) {
  return env.DB.prepare("SELECT type, user_id, summary FROM billing_events WHERE id = ?")
    .bind(eventId)
    .first<{ type: string; user_id: string | null; summary: string }>();
}

/** An account that bought Pro, with the webhook of its checkout delivered. */
async function subscriber(): Promise<{ who: Account; subscription: Stripe.Subscription }> {
  const who = await account();
  const { session, subscription } = await checkoutAndPay(who);
  expect((await deliver(await event("checkout.session.completed", { object: session }))).status).toBe(200);
  expect((await personRow(who.id))?.plan_id).toBe("pro");
  return { who, subscription };
}

describe("signatures", () => {
  it("refuses a wrong secret, a changed body, a missing header and an old timestamp with 400, changing nothing", async () => {
    const who = await account();
    const { session } = await checkoutAndPay(who);
    const completed = await event("checkout.session.completed", { object: session });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const refusals = [
      await deliver(completed, { secret: "whsec_someoneElse" }),
      await deliver(completed, { timestamp: tenMinutesAgo }),
      await deliver(completed, { signature: null }),
      await deliver(
        JSON.stringify(completed).replace('"checkout.session.completed"', '"checkout.session.completed" '),
        { signature: await signatureOf(completed) },
      ),
    ];
    for (const response of refusals) {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "bad_signature" } });
    }
    expect(await personRow(who.id)).toMatchObject({ plan_id: null });
    expect(await recorded(completed.id)).toBeNull();
    // The same delivery, signed right, goes through.
    expect((await deliver(completed)).status).toBe(200);
    expect(await personRow(who.id)).toMatchObject({ plan_id: "pro", plan_source: "stripe" });
  });
});

/** The signature a correct delivery of `body` has now (for a body changed after signing). */
async function signatureOf(body: unknown): Promise<string> {
  const { default: StripeSdk } = await import("stripe");
  return StripeSdk.webhooks.generateTestHeaderStringAsync({
    payload: JSON.stringify(body),
    secret: "whsec_parleyWorkerTests",
    cryptoProvider: StripeSdk.createSubtleCryptoProvider(),
  });
}

describe("events delivered twice or out of order", () => {
  it("handles a replayed event once: the second delivery changes nothing", async () => {
    const { who, subscription } = await subscriber();
    const updated = await event("customer.subscription.updated", { id: subscription.id });
    expect((await deliver(updated)).status).toBe(200);
    // Stripe's subscription is canceled now; a replay of the earlier event must not act on that.
    await control(`subscriptions/${subscription.id}`, { status: "canceled" });
    const replay = await deliver(updated);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(await personRow(who.id)).toMatchObject({ plan_id: "pro" });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM billing_events WHERE id = ?")
      .bind(updated.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("ends updated → deleted → a late updated in the subscription's real state: Free", async () => {
    const { who, subscription } = await subscriber();
    // An `updated` Stripe sent while the subscription was active, which arrives last.
    const late = await event("customer.subscription.updated", { id: subscription.id });
    await control(`subscriptions/${subscription.id}`, { cancel_at_period_end: true });
    expect(
      (await deliver(await event("customer.subscription.updated", { id: subscription.id }))).status,
    ).toBe(200);
    expect(await billingOf(who)).toMatchObject({ plan: { id: "pro" } });

    await control(`subscriptions/${subscription.id}`, { status: "canceled" });
    const deleted = await event("customer.subscription.deleted", { id: subscription.id });
    expect((await deliver(deleted)).status).toBe(200);
    expect(await personRow(who.id)).toMatchObject({ plan_id: null, plan_source: null });

    expect((await deliver(late)).status).toBe(200);
    expect(await personRow(who.id)).toMatchObject({ plan_id: null });
    expect(await billingOf(who)).toMatchObject({
      plan: { id: "free" },
      subscription: { status: "canceled" },
    });
    expect((await recorded(late.id))?.summary).toContain("canceled");
  });
});

describe("a failed payment", () => {
  it("keeps the plan for the grace period, then the person is on Free, and a paid invoice brings Pro back", async () => {
    const { who, subscription } = await subscriber();
    const failed = await control<{ invoice: Stripe.Invoice; subscription: Stripe.Subscription }>(
      `subscriptions/${subscription.id}`,
      { renew: true, invoice: "failed" },
    );
    expect(failed.subscription.status).toBe("past_due");
    const before = Date.now();
    expect((await deliver(await event("invoice.payment_failed", { object: failed.invoice }))).status).toBe(
      200,
    );
    const graced = await billingOf(who);
    expect(graced.plan).toMatchObject({ id: "pro", source: "stripe" });
    // BILLING_GRACE_DAYS is 7 by default.
    expect(graced.plan.graceUntil).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(graced.plan.graceUntil).toBeLessThan(Date.now() + 7 * DAY + 1);
    expect((await send(who, "gpt-5")).status).toBe(200);

    // A week on, the card still failing: the grace is over. (The end moves to now rather than the
    // clock a week on; planInForce's own test shows a room deciding by the clock. A new
    // conversation, so that its room reads the moved end.)
    await env.DB.prepare("UPDATE users SET plan_grace_until = ? WHERE id = ?")
      .bind(Date.now() - 1, who.id)
      .run();
    who.conversationId = undefined;
    expect(await billingOf(who)).toMatchObject({ plan: { id: "free" } });
    expect(await send(who, "gpt-5")).toEqual({ status: 403, code: "upgrade_required" });

    const paid = await control<{ invoice: Stripe.Invoice }>(`subscriptions/${subscription.id}`, {
      renew: true,
      invoice: "paid",
    });
    expect((await deliver(await event("invoice.paid", { object: paid.invoice }))).status).toBe(200);
    expect(await billingOf(who)).toMatchObject({ plan: { id: "pro", graceUntil: null } });
    expect((await send(who, "gpt-5")).status).toBe(200);
  });
});

describe("an admin's grant", () => {
  it("gives a plan by hand, audited; subscription events leave it; taking it back lets them decide again", async () => {
    const { who, subscription } = await subscriber();
    const granted = await admin(`/users/${who.id}/plan`, { json: { plan: "pro" } });
    expect(granted.status).toBe(204);
    expect(await personRow(who.id)).toMatchObject({ plan_id: "pro", plan_source: "grant" });

    await control(`subscriptions/${subscription.id}`, { status: "canceled" });
    await deliver(await event("customer.subscription.deleted", { id: subscription.id }));
    expect(await personRow(who.id)).toMatchObject({ plan_id: "pro", plan_source: "grant" });

    expect((await admin(`/users/${who.id}/plan`, { json: { plan: null } })).status).toBe(204);
    expect(await personRow(who.id)).toMatchObject({ plan_id: null, plan_source: null });
    const audit = await env.DB.prepare(
      "SELECT action, detail FROM audit_log WHERE target = ? ORDER BY created_at",
    )
      .bind(who.id)
      .all<{ action: string; detail: string }>();
    expect(audit.results.map((row) => [row.action, JSON.parse(row.detail)])).toEqual([
      ["user.plan", { from: "pro", to: "pro", granted: true }],
      ["user.plan", { from: "pro", to: null, granted: false }],
    ]);
  });

  it("shows up in the Billing overview with the events, people per plan and revenue", async () => {
    const { who } = await subscriber();
    const overview = await (
      await admin("/billing")
    ).json<{
      byPlan: Array<{ planId: string; subscribed: number }>;
      mrr: Array<{ currency: string; cents: number }>;
      events: Array<{ userId: string | null; type: string }>;
    }>();
    expect(overview.byPlan.find((row) => row.planId === "pro")?.subscribed).toBeGreaterThanOrEqual(1);
    expect(overview.mrr.find((row) => row.currency === "usd")?.cents).toBeGreaterThanOrEqual(2000);
    expect(
      overview.events.some((row) => row.userId === who.id && row.type === "checkout.session.completed"),
    ).toBe(true);
  });
});
