/**
 * Keeping a person's plan in step with their Stripe subscriptions. Webhook events can arrive
 * late, twice or out of order, so an event is only a hint of which subscription changed: the
 * subscription itself is fetched from Stripe, and its current state is what is stored. A late
 * `updated` after a `deleted` therefore finds the subscription canceled, and changes nothing.
 *
 * A person's plan is then worked out from all their subscriptions: an active (or trialing) one
 * gives its plan; one whose payment failed keeps its plan for the grace period, counted from the
 * first failure; otherwise they are on Free. A plan an admin granted is left alone.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { subscriptions, users, type PlanRow, type SubscriptionRow } from "../db/schema";
import { planOfPrice } from "./plans";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The fields of a Stripe subscription Parley reads (the same across API versions). */
export interface StripeSubscription {
  id: string;
  customer: string | { id: string };
  status: string;
  cancel_at_period_end: boolean;
  /** Older API versions keep the period on the subscription, newer ones on its items. */
  current_period_end?: number | null;
  metadata?: Record<string, string> | null;
  items: { data: Array<{ price: { id: string }; current_period_end?: number | null }> };
}

const PAYING = new Set(["active", "trialing"]);
const UNPAID = new Set(["past_due", "unpaid"]);

export const customerOf = (sub: Pick<StripeSubscription, "customer">) =>
  typeof sub.customer === "string" ? sub.customer : sub.customer.id;

/** The subscription's row as it will be stored, from Stripe's current state. */
export function subscriptionRow(
  sub: StripeSubscription,
  userId: string,
  plans: readonly PlanRow[],
  previous: SubscriptionRow | undefined,
  now: number,
): SubscriptionRow {
  const item = sub.items.data[0];
  const periodEnd = sub.current_period_end ?? item?.current_period_end ?? null;
  const unpaid = UNPAID.has(sub.status);
  return {
    id: sub.id,
    userId,
    customerId: customerOf(sub),
    planId: planOfPrice(plans, item?.price.id)?.id ?? null,
    priceId: item?.price.id ?? null,
    status: sub.status,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    currentPeriodEnd: periodEnd === null ? null : periodEnd * 1000,
    pastDueSince: unpaid ? (previous?.pastDueSince ?? now) : null,
    updatedAt: now,
  };
}

export interface PersonPlan {
  planId: string | null;
  graceUntil: number | null;
}

/** The plan a person's subscriptions give them (the highest plan wins when there are several). */
export function planFromSubscriptions(
  rows: readonly SubscriptionRow[],
  plans: readonly PlanRow[],
  graceDays: number,
): PersonPlan {
  const rank = (row: SubscriptionRow) => plans.find((plan) => plan.id === row.planId)?.position ?? -1;
  const best = (candidates: SubscriptionRow[]) =>
    candidates.filter((row) => row.planId !== null).sort((a, b) => rank(b) - rank(a))[0];
  const paying = best(rows.filter((row) => PAYING.has(row.status)));
  if (paying) return { planId: paying.planId, graceUntil: null };
  const unpaid = best(rows.filter((row) => UNPAID.has(row.status)));
  if (unpaid) return { planId: unpaid.planId, graceUntil: (unpaid.pastDueSince ?? 0) + graceDays * DAY_MS };
  return { planId: null, graceUntil: null };
}

/** What one subscription's new state changes: the statements, and the person's plan before and after. */
export interface SubscriptionChange {
  userId: string;
  row: SubscriptionRow;
  before: PersonPlan & { source: string | null };
  after: PersonPlan;
  /** The person's plan is an admin's grant: it stays. */
  granted: boolean;
  statements: ReturnType<typeof statementsOf>;
}

/** The person's stored subscriptions and plan, for `subscriptionChange`. */
export async function personBilling(db: Db, userId: string) {
  const [person] = await db
    .select({ planId: users.planId, source: users.planSource, graceUntil: users.planGraceUntil })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const rows = await db.select().from(subscriptions).where(eq(subscriptions.userId, userId));
  return { person, rows };
}

export function subscriptionChange(
  db: Db,
  input: {
    sub: StripeSubscription;
    userId: string;
    plans: readonly PlanRow[];
    stored: Awaited<ReturnType<typeof personBilling>>;
    graceDays: number;
    now: number;
  },
): SubscriptionChange {
  const { sub, userId, plans, stored, graceDays, now } = input;
  const previous = stored.rows.find((row) => row.id === sub.id);
  const row = subscriptionRow(sub, userId, plans, previous, now);
  const all = [...stored.rows.filter((other) => other.id !== sub.id), row];
  const after = planFromSubscriptions(all, plans, graceDays);
  const before = {
    planId: stored.person?.planId ?? null,
    graceUntil: stored.person?.graceUntil ?? null,
    source: stored.person?.source ?? null,
  };
  const granted = before.source === "grant";
  return {
    userId,
    row,
    before,
    after,
    granted,
    statements: statementsOf(db, row, userId, granted ? null : after),
  };
}

function statementsOf(db: Db, row: SubscriptionRow, userId: string, plan: PersonPlan | null) {
  const columns: Partial<SubscriptionRow> = { ...row };
  delete columns.id;
  const upsert = db
    .insert(subscriptions)
    .values(row)
    .onConflictDoUpdate({ target: subscriptions.id, set: columns });
  if (!plan) return [upsert] as const;
  const person = db
    .update(users)
    .set({
      planId: plan.planId,
      planSource: plan.planId === null ? null : "stripe",
      planGraceUntil: plan.graceUntil,
    })
    .where(eq(users.id, userId));
  return [upsert, person] as const;
}
