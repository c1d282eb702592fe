/**
 * `POST /api/v1/billing/webhook`: what Stripe tells Parley about checkouts, subscriptions and
 * invoices. Reached without a session; trusted only through its signature, checked against the
 * raw body. Each event is handled once: its id is stored in the same D1 batch as the change it
 * makes, so a replay (or two deliveries racing) changes nothing, and an event whose handling
 * failed is not marked handled, so Stripe's retry does it again.
 */
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { database, type Db } from "../db/queries";
import { billingEvents, users } from "../db/schema";
import { getConfig, type Config } from "../env";
import { AppError } from "../errors";
import { logError, logEvent } from "../observability/log";
import { notifyPlanChange } from "./notify";
import { readPlans } from "./plans";
import { stripeFor } from "./account";
import { BadSignature, verifyWebhook } from "./stripe-client";
import {
  customerOf,
  personBilling,
  subscriptionChange,
  type StripeSubscription,
  type SubscriptionChange,
} from "./subscriptions";

/** What handling one event comes to: statements for the batch, and the sentence for the record. */
interface Outcome {
  userId: string | null;
  summary: string;
  statements: readonly Parameters<Db["batch"]>[0][number][];
  change?: SubscriptionChange;
}

/** Handles one delivery; `duplicate` when this event was handled before (nothing changed). */
export async function receiveWebhook(env: Env, request: Request): Promise<{ duplicate: boolean }> {
  const config = getConfig(env);
  const stripe = stripeFor(config);
  if (!stripe || !config.STRIPE_WEBHOOK_SECRET) {
    throw new AppError(404, "payments_not_configured", "Payments are not set up on this server.");
  }
  const raw = await request.text();
  let event: Stripe.Event;
  try {
    event = await verifyWebhook(
      stripe,
      raw,
      request.headers.get("stripe-signature"),
      config.STRIPE_WEBHOOK_SECRET,
    );
  } catch (cause) {
    if (cause instanceof BadSignature) {
      throw new AppError(400, "bad_signature", "The Stripe-Signature header does not match this body.");
    }
    throw cause;
  }
  const db = database(env.DB);
  if (await seen(db, event.id)) return { duplicate: true };
  const outcome = await handle(db, stripe, config, event);
  const now = Date.now();
  try {
    await db.batch([
      ...outcome.statements,
      db.insert(billingEvents).values({
        id: event.id,
        type: event.type,
        userId: outcome.userId,
        summary: outcome.summary,
        createdAt: event.created * 1000,
        receivedAt: now,
      }),
    ] as unknown as Parameters<Db["batch"]>[0]);
  } catch (cause) {
    // The same event delivered twice at once: the other delivery handled it.
    if (await seen(db, event.id)) return { duplicate: true };
    throw cause;
  }
  logEvent("billing_event", { eventId: event.id, type: event.type, summary: outcome.summary });
  const change = outcome.change;
  const changed =
    change &&
    (change.before.planId !== change.after.planId || change.before.graceUntil !== change.after.graceUntil);
  if (change && !change.granted && changed) {
    await notifyPlanChange(env, change.userId).catch((cause: unknown) =>
      logError("plan_notify_failed", { userId: change.userId, cause }),
    );
  }
  return { duplicate: false };
}

async function seen(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: billingEvents.id }).from(billingEvents).where(eq(billingEvents.id, id));
  return row !== undefined;
}

async function handle(db: Db, stripe: Stripe, config: Config, event: Stripe.Event): Promise<Outcome> {
  const object = event.data.object as unknown as Record<string, unknown>;
  switch (event.type) {
    case "checkout.session.completed": {
      const session = object as {
        mode?: string;
        customer?: string | { id: string } | null;
        subscription?: string | { id: string } | null;
        client_reference_id?: string | null;
        metadata?: Record<string, string> | null;
      };
      const subscriptionId = idOf(session.subscription);
      const customerId = idOf(session.customer);
      if (session.mode !== "subscription" || !subscriptionId || !customerId) {
        return ignored("a checkout that started no subscription");
      }
      const hint = session.client_reference_id ?? session.metadata?.userId ?? null;
      return syncSubscription(db, stripe, config, subscriptionId, hint, "checkout completed");
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.paused":
    case "customer.subscription.resumed":
      return syncSubscription(
        db,
        stripe,
        config,
        String(object.id),
        null,
        event.type.slice("customer.".length),
      );
    case "invoice.paid":
    case "invoice.payment_failed": {
      const subscriptionId = invoiceSubscription(object);
      if (!subscriptionId) return ignored("an invoice of no subscription");
      const what = event.type === "invoice.paid" ? "invoice paid" : "payment failed";
      return syncSubscription(db, stripe, config, subscriptionId, null, what);
    }
    default:
      return ignored(`${event.type}, which Parley does not act on`);
  }
}

const ignored = (what: string): Outcome => ({ userId: null, summary: `Ignored: ${what}.`, statements: [] });

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** An invoice names its subscription at the top (older API versions) or under `parent` (newer). */
function invoiceSubscription(invoice: Record<string, unknown>): string | null {
  const direct = idOf(invoice.subscription as string | { id: string } | null | undefined);
  if (direct) return direct;
  const parent = invoice.parent as {
    subscription_details?: { subscription?: string | { id: string } };
  } | null;
  return idOf(parent?.subscription_details?.subscription);
}

/**
 * Fetches the subscription as it is now and stores that. The person is the one whose Stripe
 * customer it belongs to; a checkout (whose customer Parley created for a person) names them too,
 * in case this is the first Parley hears of that customer.
 */
async function syncSubscription(
  db: Db,
  stripe: Stripe,
  config: Config,
  subscriptionId: string,
  userHint: string | null,
  what: string,
): Promise<Outcome> {
  const sub = (await stripe.subscriptions.retrieve(subscriptionId)) as unknown as StripeSubscription;
  const customerId = customerOf(sub);
  const userId = await ownerOf(db, customerId, userHint ?? sub.metadata?.userId ?? null);
  if (!userId) return ignored(`${what} for customer ${customerId}, who is nobody here`);
  const [plans, stored] = await Promise.all([readPlans(db), personBilling(db, userId)]);
  const change = subscriptionChange(db, {
    sub,
    userId,
    plans,
    stored,
    graceDays: config.BILLING_GRACE_DAYS,
    now: Date.now(),
  });
  const link = db.update(users).set({ stripeCustomerId: customerId }).where(eq(users.id, userId));
  return {
    userId,
    summary: describe(what, change),
    statements: [link, ...change.statements],
    change,
  };
}

/** The person a customer belongs to: by the customer id stored at checkout, else the hint. */
async function ownerOf(db: Db, customerId: string, hint: string | null): Promise<string | null> {
  const [byCustomer] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.stripeCustomerId, customerId))
    .limit(1);
  if (byCustomer) return byCustomer.id;
  if (!hint) return null;
  const [byHint] = await db
    .select({ id: users.id, customer: users.stripeCustomerId, kind: users.kind })
    .from(users)
    .where(eq(users.id, hint))
    .limit(1);
  // A person already linked to another customer is not taken over by a hint.
  return byHint && byHint.kind === "user" && byHint.customer === null ? byHint.id : null;
}

function describe(what: string, change: SubscriptionChange): string {
  const { row, before, after, granted } = change;
  const state = `subscription ${row.id} ${row.status}${row.cancelAtPeriodEnd ? " (cancels at period end)" : ""}`;
  const plan = (id: string | null) => id ?? "free";
  if (granted)
    return `${capital(what)}: ${state}; the plan is an admin's grant and stays ${plan(before.planId)}.`;
  if (before.planId !== after.planId) {
    return `${capital(what)}: ${state}; plan ${plan(before.planId)} → ${plan(after.planId)}.`;
  }
  if (after.graceUntil !== null && before.graceUntil === null) {
    return `${capital(what)}: ${state}; ${plan(after.planId)} kept until ${new Date(after.graceUntil).toISOString()}.`;
  }
  return `${capital(what)}: ${state}; plan stays ${plan(after.planId)}.`;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
