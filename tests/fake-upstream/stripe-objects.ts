/**
 * The fake Stripe's in-memory store (one per server process) and how its objects come about and
 * change: customers, prices, subscriptions, invoices, and the events Stripe would deliver.
 */
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import type {
  FakeCheckoutSession,
  FakeCustomer,
  FakeInvoice,
  FakeObject,
  FakePortalSession,
  FakePrice,
  FakeSubscription,
  SessionPlan,
} from "./stripe-types.ts";

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Stripe bills monthly on the calendar; a fixed 30 days is close enough for tests. */
export const MONTH_SECONDS = 30 * 24 * 3600;
/** Stripe retries a failed card on its own schedule (Smart Retries); three days is a typical gap. */
const RETRY_GAP_SECONDS = 3 * 24 * 3600;

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Stripe's id style: a type prefix and 24 random alphanumerics. */
export function stripeId(prefix: string): string {
  const letters = [...randomBytes(24)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]);
  return `${prefix}_${letters.join("")}`;
}

/** Stripe also sets `cancel_at` to the period's end when a cancellation is scheduled. */
export function setCancelAtPeriodEnd(subscription: FakeSubscription, cancel: boolean): void {
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? subscription.items.data[0]!.current_period_end : null;
}

export class StripeStore {
  readonly customers = new Map<string, FakeCustomer>();
  readonly prices = new Map<string, FakePrice>();
  readonly checkoutSessions = new Map<string, FakeCheckoutSession>();
  readonly sessionPlans = new Map<string, SessionPlan>();
  readonly portalSessions = new Map<string, FakePortalSession>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly invoices = new Map<string, FakeInvoice>();
  /** The API version the SDK last asked for, stamped on built events like Stripe does. */
  apiVersion = "unknown";

  /** Any `price_…` id exists (as a monthly USD price) unless registered otherwise. */
  price(id: string, amount = 2000): FakePrice | undefined {
    if (!/^price_\w+$/.test(id)) return undefined;
    const known = this.prices.get(id);
    if (known) return known;
    const price: FakePrice = {
      id,
      object: "price",
      active: true,
      currency: "usd",
      unit_amount: amount,
      product: `prod_${id.slice("price_".length)}`,
      type: "recurring",
      recurring: { interval: "month", interval_count: 1, usage_type: "licensed" },
      livemode: false,
      metadata: {},
      created: nowSeconds(),
      lookup_key: null,
      nickname: null,
    };
    this.prices.set(id, price);
    return price;
  }

  createCustomer(fields: {
    email: string | null;
    name: string | null;
    description: string | null;
    metadata: Record<string, string>;
  }): FakeCustomer {
    const customer: FakeCustomer = {
      id: stripeId("cus"),
      object: "customer",
      ...fields,
      created: nowSeconds(),
      livemode: false,
      delinquent: false,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  /**
   * What paying on the hosted page does: the subscription starts (active, first invoice paid) and
   * the session records it. A session opened with only `customer_email` gets a new customer.
   */
  completeSession(session: FakeCheckoutSession) {
    const plan = this.sessionPlans.get(session.id);
    const price = plan && this.price(plan.priceId);
    if (!plan || !price) throw new Error(`fake Stripe: session ${session.id} has no price`);
    const customer =
      typeof session.customer === "string"
        ? this.customers.get(session.customer)!
        : this.createCustomer({ email: session.customer_email, name: null, description: null, metadata: {} });
    const subscription = this.createSubscription(customer.id, price, plan.subscriptionMetadata);
    const invoice = this.createInvoice(subscription, true, "subscription_create");
    Object.assign(session, {
      status: "complete",
      payment_status: "paid",
      customer: customer.id,
      subscription: subscription.id,
      invoice: invoice.id,
    });
    return { session, subscription, invoice, customer };
  }

  /** The first period starts now; `renew` moves it on by a month. */
  createSubscription(customer: string, price: FakePrice, metadata: Record<string, string>): FakeSubscription {
    const start = nowSeconds();
    const id = stripeId("sub");
    const subscription: FakeSubscription = {
      id,
      object: "subscription",
      customer,
      status: "active",
      metadata,
      items: {
        object: "list",
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
        data: [
          {
            id: stripeId("si"),
            object: "subscription_item",
            price,
            quantity: 1,
            metadata: {},
            current_period_start: start,
            current_period_end: start + MONTH_SECONDS,
            subscription: id,
            created: start,
          },
        ],
      },
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      created: start,
      start_date: start,
      billing_cycle_anchor: start,
      currency: price.currency,
      collection_method: "charge_automatically",
      latest_invoice: null,
      livemode: false,
      trial_start: null,
      trial_end: null,
    };
    this.subscriptions.set(id, subscription);
    return subscription;
  }

  /** An invoice for the subscription's current period, paid or with a failed first attempt. */
  createInvoice(
    subscription: FakeSubscription,
    paid: boolean,
    billingReason: Stripe.Invoice.BillingReason,
  ): FakeInvoice {
    const item = subscription.items.data[0]!;
    const amount = item.price.unit_amount ?? 0;
    const created = nowSeconds();
    const invoice: FakeInvoice = {
      id: stripeId("in"),
      object: "invoice",
      customer: subscription.customer,
      status: paid ? "paid" : "open",
      amount_due: amount,
      amount_paid: paid ? amount : 0,
      amount_remaining: paid ? 0 : amount,
      currency: item.price.currency,
      created,
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      attempt_count: 1,
      attempted: true,
      next_payment_attempt: paid ? null : created + RETRY_GAP_SECONDS,
      billing_reason: billingReason,
      livemode: false,
      metadata: {},
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { subscription: subscription.id, metadata: { ...subscription.metadata } },
      },
      lines: {
        object: "list",
        has_more: false,
        data: [
          {
            id: stripeId("il"),
            object: "line_item",
            amount,
            period: { start: item.current_period_start, end: item.current_period_end },
          },
        ],
      },
    };
    this.invoices.set(invoice.id, invoice);
    subscription.latest_invoice = invoice.id;
    return invoice;
  }

  /** Stripe's automatic retry of an open invoice: paid now, or another failed attempt. */
  retryInvoice(invoice: FakeInvoice, paid: boolean): FakeInvoice {
    invoice.attempt_count += 1;
    if (paid) {
      Object.assign(invoice, { status: "paid", amount_paid: invoice.amount_due, amount_remaining: 0 });
      invoice.next_payment_attempt = null;
    } else {
      invoice.next_payment_attempt = nowSeconds() + RETRY_GAP_SECONDS;
    }
    return invoice;
  }

  /** Any stored object by id, for building events about it. */
  find(id: string): FakeObject | undefined {
    return (
      this.customers.get(id) ??
      this.checkoutSessions.get(id) ??
      this.portalSessions.get(id) ??
      this.subscriptions.get(id) ??
      this.invoices.get(id)
    );
  }

  /** A v1 "snapshot" event, as Stripe would deliver it to a webhook endpoint. */
  event(type: string, object: unknown, options: { created?: number; previousAttributes?: unknown } = {}) {
    return {
      id: stripeId("evt"),
      object: "event" as const,
      api_version: this.apiVersion,
      created: options.created ?? nowSeconds(),
      data: {
        // A copy: later changes to the stored object must not rewrite an event already built.
        object: structuredClone(object),
        ...(options.previousAttributes === undefined
          ? {}
          : { previous_attributes: options.previousAttributes }),
      },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
  }
}
