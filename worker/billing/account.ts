/**
 * A person's side of billing: what plan they are on and what every plan gives
 * (`GET /api/v1/billing`), buying one (a Stripe Checkout Session) and managing it (the Stripe
 * billing portal). The plan itself only ever changes through a signed webhook or an admin.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "../db/queries";
import { subscriptions, users } from "../db/schema";
import type { Config } from "../env";
import { AppError } from "../errors";
import { limitsFrom, limitsRowQuery, planFrom, type Subject } from "../limits";
import type { BillingStatus } from "#protocol/billing";
import { planViews, requirePlan } from "./plans";
import { stripeClient } from "./stripe-client";

export const paymentsEnabled = (config: Config) =>
  config.STRIPE_SECRET_KEY !== undefined && config.STRIPE_WEBHOOK_SECRET !== undefined;

/** The Stripe client of this deployment, or null when payments are not set up. */
export function stripeFor(config: Config): Stripe | null {
  if (!config.STRIPE_SECRET_KEY || !paymentsEnabled(config)) return null;
  return stripeClient({
    secretKey: config.STRIPE_SECRET_KEY,
    ...(config.STRIPE_API_BASE ? { apiBase: config.STRIPE_API_BASE } : {}),
  });
}

function stripeOf(config: Config): Stripe {
  const stripe = stripeFor(config);
  if (!stripe) {
    throw new AppError(503, "payments_not_configured", "Payments are not set up on this server.", {
      expose: true,
      retryable: false,
    });
  }
  return stripe;
}

export async function billingStatus(db: Db, config: Config, subject: Subject): Promise<BillingStatus> {
  const now = Date.now();
  const [limitRows, person, [subscription], plans] = await Promise.all([
    limitsRowQuery(db, subject),
    db
      .select({
        source: users.planSource,
        customer: users.stripeCustomerId,
        graceUntil: users.planGraceUntil,
      })
      .from(users)
      .where(eq(users.id, subject.userId))
      .limit(1),
    db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.userId, subject.userId))
      .orderBy(desc(subscriptions.updatedAt))
      .limit(1),
    planViews(db, config, paymentsEnabled(config)),
  ]);
  const plan = planFrom(subject, limitRows, now);
  const own = subject.kind === "user" ? person[0] : undefined;
  const onOwnPlan = own?.source != null && plan.id !== (subject.kind === "guest" ? "guest" : "free");
  return {
    paymentsEnabled: paymentsEnabled(config),
    plan: {
      id: plan.id,
      name: plan.name,
      source: onOwnPlan ? (own?.source ?? null) : null,
      graceUntil: onOwnPlan ? (own?.graceUntil ?? null) : null,
    },
    limits: limitsFrom(subject, config, limitRows, now),
    subscription: subscription
      ? {
          status: subscription.status,
          planId: subscription.planId,
          currentPeriodEnd: subscription.currentPeriodEnd,
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
        }
      : null,
    hasBillingAccount: Boolean(own?.customer),
    plans,
  };
}

/** The account's Stripe customer: created once, at the first checkout, and reused after. */
async function customerFor(db: Db, stripe: Stripe, userId: string): Promise<string> {
  const [person] = await db
    .select({ customer: users.stripeCustomerId, email: users.email, verified: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!person) throw new AppError(404, "not_found", "No such account.");
  if (person.customer) return person.customer;
  // Two checkouts at once send the same key, so Stripe makes one customer for both. Only a
  // confirmed address goes to Stripe (it mails receipts there); Checkout asks for one otherwise.
  const customer = await stripe.customers.create(
    { ...(person.email && person.verified ? { email: person.email } : {}), metadata: { userId } },
    { idempotencyKey: `parley-customer-${userId}` },
  );
  await db
    .update(users)
    .set({ stripeCustomerId: customer.id })
    .where(and(eq(users.id, userId), isNull(users.stripeCustomerId)));
  const [stored] = await db
    .select({ customer: users.stripeCustomerId })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return stored?.customer ?? customer.id;
}

const settingsUrl = (origin: string, outcome?: string) =>
  `${origin}/settings${outcome ? `?billing=${outcome}` : ""}#plan`;

/** A Stripe Checkout Session selling `planId` to the account; its URL. */
export async function startCheckout(
  db: Db,
  config: Config,
  subject: Subject,
  planId: string,
  origin: string,
): Promise<string> {
  const stripe = stripeOf(config);
  const plan = await requirePlan(db, planId);
  if (!plan.stripePriceId || plan.monthlyPriceCents <= 0) {
    throw new AppError(400, "not_purchasable", `The ${plan.name} plan cannot be bought.`);
  }
  const live = await db
    .select({ status: subscriptions.status })
    .from(subscriptions)
    .where(eq(subscriptions.userId, subject.userId));
  if (live.some((row) => ["active", "trialing", "past_due", "unpaid"].includes(row.status))) {
    throw new AppError(
      409,
      "already_subscribed",
      "You already have a subscription. Change or cancel it in the billing portal.",
    );
  }
  const customer = await customerFor(db, stripe, subject.userId);
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    line_items: [{ price: plan.stripePriceId, quantity: 1 }],
    client_reference_id: subject.userId,
    metadata: { userId: subject.userId, plan: plan.id },
    subscription_data: { metadata: { userId: subject.userId, plan: plan.id } },
    success_url: settingsUrl(origin, "success"),
    cancel_url: settingsUrl(origin, "cancelled"),
  });
  if (!session.url) throw new AppError(502, "stripe_error", "Stripe did not return a checkout page.");
  return session.url;
}

/** A Stripe billing-portal session for the account: change or cancel the plan, card, invoices. */
export async function openPortal(db: Db, config: Config, subject: Subject, origin: string): Promise<string> {
  const stripe = stripeOf(config);
  const [person] = await db
    .select({ customer: users.stripeCustomerId })
    .from(users)
    .where(eq(users.id, subject.userId))
    .limit(1);
  if (!person?.customer) {
    throw new AppError(
      409,
      "no_billing_account",
      "You have no subscription to manage yet. Pick a plan first.",
    );
  }
  const session = await stripe.billingPortal.sessions.create({
    customer: person.customer,
    return_url: settingsUrl(origin),
  });
  return session.url;
}
