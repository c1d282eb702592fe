/**
 * Test controls for the fake Stripe, under `/__control/stripe/`: read what the code under test
 * created, play what happens on Stripe's side (a person pays, a renewal, a failed card, a
 * cancellation) and build the event Stripe would then deliver. Bodies are JSON; signing the event
 * is left to the test, with the SDK's own test-header helper.
 *
 * - `GET customers?email=…&metadata[k]=v` → `{data: Customer[]}` (oldest first)
 * - `GET checkout/sessions?customer=…&client_reference_id=…&metadata[k]=v` → `{data: Session[]}`
 * - `GET subscriptions?customer=…&metadata[k]=v` → `{data: Subscription[]}`
 * - `POST checkout/sessions/{id}/complete` → `{session, subscription, invoice, customer}`
 * - `POST subscriptions/{id}` `{status?, price?, cancel_at_period_end?, renew?, invoice?: "paid" | "failed"}`
 *   → `{subscription, invoice, previous_attributes}`
 * - `POST prices` `{id, unit_amount, currency?, interval?}` → the price
 * - `POST events` `{type, id? | object?, created?, previous_attributes?}` → a Stripe event
 */
import { parseStripeForm, formString, metadataMatches } from "./stripe-form.ts";
import { MONTH_SECONDS, type StripeStore, nowSeconds, setCancelAtPeriodEnd } from "./stripe-objects.ts";
import type { FakeInvoice, FakePrice, FakeSubscription } from "./stripe-types.ts";
import type { ApiReply } from "./stripe-api.ts";

type Json = Record<string, unknown>;

const ok = (body: unknown): ApiReply => ({ status: 200, body });
const fail = (status: number, message: string): ApiReply => ({ status, body: { error: { message } } });

export function handleControl(
  store: StripeStore,
  method: string,
  path: string,
  query: string,
  body: Json,
): ApiReply {
  const filters = parseStripeForm(query);
  const matches = (object: { metadata: Record<string, string> | null }) =>
    metadataMatches(object.metadata ?? {}, filters);
  const equal = (key: string, value: unknown) =>
    formString(filters, key) === undefined || formString(filters, key) === value;
  let match: RegExpExecArray | null;
  if (method === "GET" && path === "customers") {
    return ok({ data: [...store.customers.values()].filter((c) => equal("email", c.email) && matches(c)) });
  }
  if (method === "GET" && path === "checkout/sessions") {
    const sessions = [...store.checkoutSessions.values()].filter(
      (s) =>
        equal("customer", s.customer) && equal("client_reference_id", s.client_reference_id) && matches(s),
    );
    return ok({ data: sessions });
  }
  if (method === "GET" && path === "subscriptions") {
    return ok({
      data: [...store.subscriptions.values()].filter((s) => equal("customer", s.customer) && matches(s)),
    });
  }
  if (method === "POST" && (match = /^checkout\/sessions\/([^/]+)\/complete$/.exec(path))) {
    const session = store.checkoutSessions.get(match[1]!);
    if (!session) return fail(404, `no checkout session ${match[1]}`);
    if (session.status !== "open") return fail(409, `checkout session ${session.id} is ${session.status}`);
    return ok(store.completeSession(session));
  }
  if (method === "POST" && (match = /^subscriptions\/([^/]+)$/.exec(path))) {
    const subscription = store.subscriptions.get(match[1]!);
    if (!subscription) return fail(404, `no subscription ${match[1]}`);
    return changeSubscription(store, subscription, body);
  }
  if (method === "POST" && path === "prices") return registerPrice(store, body);
  if (method === "POST" && path === "events") {
    if (typeof body.type !== "string") return fail(400, "type is required");
    const object = typeof body.id === "string" ? store.find(body.id) : body.object;
    if (object === undefined) return fail(400, "id (of a stored object) or object is required");
    const created = typeof body.created === "number" ? body.created : undefined;
    return ok(store.event(body.type, object, { created, previousAttributes: body.previous_attributes }));
  }
  return fail(404, `fake Stripe: no control ${method} ${path}`);
}

function registerPrice(store: StripeStore, body: Json): ApiReply {
  const { id, unit_amount: amount, currency = "usd", interval = "month" } = body;
  if (typeof id !== "string" || !/^price_\w+$/.test(id)) return fail(400, "id must look like price_…");
  if (typeof amount !== "number" || !Number.isInteger(amount) || amount < 0) {
    return fail(400, "unit_amount must be a whole number of cents");
  }
  if (typeof currency !== "string" || (interval !== "month" && interval !== "year")) {
    return fail(400, "currency must be a string and interval month or year");
  }
  store.prices.delete(id);
  const price: FakePrice = { ...store.price(id, amount)!, currency };
  price.recurring.interval = interval;
  store.prices.set(id, price);
  return ok(price);
}

/**
 * Plays a change on Stripe's side. `renew` starts the next period and bills it; `invoice` says
 * how that bill went (without `renew`: how Stripe's retry of the open invoice went), which moves the status as Stripe's dunning
 * does (failed → past_due, paid → active); an explicit `status` wins.
 */
function changeSubscription(store: StripeStore, subscription: FakeSubscription, body: Json): ApiReply {
  const { status, price: priceId, cancel_at_period_end: cancel, renew, invoice: outcome } = body;
  if (status !== undefined && typeof status !== "string") return fail(400, "status must be a string");
  if (cancel !== undefined && typeof cancel !== "boolean")
    return fail(400, "cancel_at_period_end must be a boolean");
  if (outcome !== undefined && outcome !== "paid" && outcome !== "failed") {
    return fail(400, 'invoice must be "paid" or "failed"');
  }
  const price = typeof priceId === "string" ? store.price(priceId) : undefined;
  if (priceId !== undefined && !price) return fail(400, `no price ${String(priceId)}`);
  const before = structuredClone(subscription);
  const item = subscription.items.data[0]!;
  if (price) item.price = price;
  if (cancel !== undefined) setCancelAtPeriodEnd(subscription, cancel);
  if (renew === true) {
    item.current_period_start = item.current_period_end;
    item.current_period_end += MONTH_SECONDS;
  }
  let invoice: FakeInvoice | null = null;
  if (renew === true || outcome !== undefined) {
    const paid = outcome !== "failed";
    // Without a renewal, the outcome is Stripe retrying the open invoice (or billing afresh).
    const open = renew === true ? undefined : store.invoices.get(subscription.latest_invoice ?? "");
    invoice =
      open?.status === "open"
        ? store.retryInvoice(open, paid)
        : store.createInvoice(subscription, paid, renew === true ? "subscription_cycle" : "manual");
    subscription.status = paid ? "active" : "past_due";
  }
  if (status !== undefined) subscription.status = status;
  if (subscription.status === "canceled" && before.status !== "canceled") {
    const now = nowSeconds();
    Object.assign(subscription, { canceled_at: now, ended_at: now });
    const unpaid = before.status === "past_due" || before.status === "unpaid";
    subscription.cancellation_details.reason = unpaid ? "payment_failed" : "cancellation_requested";
  }
  return ok({ subscription, invoice, previous_attributes: changedFields(before, subscription) });
}

/** Stripe's `previous_attributes`: the old value of each top-level field that changed. */
function changedFields(before: FakeSubscription, after: FakeSubscription): Json {
  const changed: Json = {};
  for (const [key, value] of Object.entries(before)) {
    if (JSON.stringify(value) !== JSON.stringify(after[key as keyof FakeSubscription])) changed[key] = value;
  }
  return changed;
}
