/**
 * The fake Stripe's object shapes. Each picks its fields from the SDK's own types, so the compiler
 * checks that what the fake returns is what a Stripe response looks like for the SDK's pinned API
 * version (e.g. a subscription's period lives on its items, an invoice names its subscription
 * under `parent.subscription_details`).
 */
import type Stripe from "stripe";

export type FakePrice = Pick<
  Stripe.Price,
  "id" | "object" | "active" | "currency" | "unit_amount" | "product" | "type" | "livemode" | "metadata"
> &
  Pick<Stripe.Price, "created" | "lookup_key" | "nickname"> & {
    recurring: { interval: "month" | "year"; interval_count: number; usage_type: "licensed" };
  };

export type FakeCustomer = Pick<
  Stripe.Customer,
  "id" | "object" | "email" | "name" | "metadata" | "created" | "livemode" | "description" | "delinquent"
>;

export type FakeCheckoutSession = Pick<
  Stripe.Checkout.Session,
  | "id"
  | "object"
  | "mode"
  | "status"
  | "payment_status"
  | "customer"
  | "customer_email"
  | "client_reference_id"
  | "metadata"
  | "success_url"
  | "cancel_url"
  | "url"
  | "subscription"
  | "invoice"
  | "currency"
  | "amount_total"
  | "created"
  | "expires_at"
  | "livemode"
>;

export type FakePortalSession = Pick<
  Stripe.BillingPortal.Session,
  "id" | "object" | "customer" | "return_url" | "url" | "created" | "livemode" | "configuration" | "flow"
>;

export type FakeSubscriptionItem = Pick<
  Stripe.SubscriptionItem,
  "id" | "object" | "quantity" | "current_period_start" | "current_period_end" | "subscription" | "created"
> & { price: FakePrice; metadata: Record<string, string> };

export type FakeSubscription = Pick<
  Stripe.Subscription,
  | "id"
  | "object"
  | "customer"
  | "status"
  | "metadata"
  | "cancel_at_period_end"
  | "cancel_at"
  | "canceled_at"
  | "ended_at"
  | "created"
  | "start_date"
  | "billing_cycle_anchor"
  | "currency"
  | "collection_method"
  | "latest_invoice"
  | "livemode"
  | "trial_start"
  | "trial_end"
> & {
  items: { object: "list"; data: FakeSubscriptionItem[]; has_more: false; url: string };
  // Stripe sends ids unless asked to expand; the fake never expands.
  customer: string;
  latest_invoice: string | null;
  cancellation_details: {
    comment: null;
    feedback: null;
    reason: Stripe.Subscription.CancellationDetails.Reason | null;
  };
};

export type FakeInvoice = Pick<
  Stripe.Invoice,
  | "id"
  | "object"
  | "customer"
  | "status"
  | "amount_due"
  | "amount_paid"
  | "amount_remaining"
  | "currency"
  | "created"
  | "period_start"
  | "period_end"
  | "attempt_count"
  | "attempted"
  | "next_payment_attempt"
  | "billing_reason"
  | "livemode"
  | "metadata"
  | "parent"
> & {
  lines: {
    object: "list";
    has_more: false;
    data: { id: string; object: "line_item"; amount: number; period: { start: number; end: number } }[];
  };
};

export type FakeObject =
  FakeCustomer | FakeCheckoutSession | FakePortalSession | FakeSubscription | FakeInvoice;

/** What a checkout session will subscribe to when it completes (Stripe keeps this server-side). */
export interface SessionPlan {
  priceId: string;
  subscriptionMetadata: Record<string, string>;
}
