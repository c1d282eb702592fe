/**
 * Billing for the admin: the Billing tab's overview (people per plan, monthly recurring revenue,
 * failed payments, recent events) and granting a plan by hand. A grant outranks subscriptions
 * until it is taken back; then the person's subscriptions decide again.
 */
import { count, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { auditInsert } from "../admin/audit";
import type { Db } from "../db/queries";
import { billingEvents, plans, subscriptions, users } from "../db/schema";
import type { Config } from "../env";
import { AppError } from "../errors";
import type { BillingOverview } from "#protocol/billing";
import { paymentsEnabled } from "./account";
import { adminPlan, readPlans, requirePlan } from "./plans";
import { planFromSubscriptions } from "./subscriptions";

const RECENT_EVENTS = 50;

export async function billingOverview(db: Db, config: Config): Promise<BillingOverview> {
  const [planRows, people, revenue, failing, events] = await Promise.all([
    readPlans(db),
    db
      .select({ planId: users.planId, source: users.planSource, people: count() })
      .from(users)
      .where(isNotNull(users.planId))
      .groupBy(users.planId, users.planSource),
    db
      .select({ currency: plans.currency, cents: sql<number>`sum(${plans.monthlyPriceCents})` })
      .from(subscriptions)
      .innerJoin(plans, eq(plans.id, subscriptions.planId))
      .where(inArray(subscriptions.status, ["active", "trialing"]))
      .groupBy(plans.currency),
    db
      .select({
        userId: subscriptions.userId,
        email: users.email,
        planId: subscriptions.planId,
        status: subscriptions.status,
        graceUntil: users.planGraceUntil,
      })
      .from(subscriptions)
      .leftJoin(users, eq(users.id, subscriptions.userId))
      .where(inArray(subscriptions.status, ["past_due", "unpaid"]))
      .orderBy(desc(subscriptions.updatedAt)),
    db
      .select({
        id: billingEvents.id,
        type: billingEvents.type,
        userId: billingEvents.userId,
        email: users.email,
        summary: billingEvents.summary,
        createdAt: billingEvents.createdAt,
        receivedAt: billingEvents.receivedAt,
      })
      .from(billingEvents)
      .leftJoin(users, eq(users.id, billingEvents.userId))
      .orderBy(desc(billingEvents.receivedAt), desc(billingEvents.id))
      .limit(RECENT_EVENTS),
  ]);
  const byPlan = new Map<string, { planId: string; subscribed: number; granted: number }>();
  for (const row of people) {
    if (!row.planId) continue;
    const entry = byPlan.get(row.planId) ?? { planId: row.planId, subscribed: 0, granted: 0 };
    if (row.source === "grant") entry.granted += row.people;
    else entry.subscribed += row.people;
    byPlan.set(row.planId, entry);
  }
  return {
    paymentsEnabled: paymentsEnabled(config),
    plans: planRows.map(adminPlan),
    byPlan: [...byPlan.values()],
    mrr: revenue.map((row) => ({ currency: row.currency, cents: Number(row.cents) })),
    failedPayments: failing,
    events,
  };
}

/**
 * Gives an account a plan by hand (comped), or takes a grant back (`planId` null), audited and
 * recorded as a billing event in the same batch. Resolves with whether their plan changed.
 */
export async function grantPlan(
  db: Db,
  config: Config,
  input: { userId: string; planId: string | null; actor: string },
): Promise<boolean> {
  const [person] = await db
    .select({
      kind: users.kind,
      planId: users.planId,
      source: users.planSource,
      graceUntil: users.planGraceUntil,
    })
    .from(users)
    .where(eq(users.id, input.userId))
    .limit(1);
  if (!person) throw new AppError(404, "not_found", "No such person.");
  if (person.kind !== "user") throw new AppError(400, "invalid_request", "Only accounts have plans.");
  let next: { planId: string | null; source: "grant" | "stripe" | null; graceUntil: number | null };
  if (input.planId !== null) {
    const plan = await requirePlan(db, input.planId);
    next = { planId: plan.id, source: "grant", graceUntil: null };
  } else {
    if (person.source !== "grant") throw new AppError(409, "conflict", "This person has no granted plan.");
    const [planRows, subs] = await Promise.all([
      readPlans(db),
      db.select().from(subscriptions).where(eq(subscriptions.userId, input.userId)),
    ]);
    const fromStripe = planFromSubscriptions(subs, planRows, config.BILLING_GRACE_DAYS);
    next = { ...fromStripe, source: fromStripe.planId === null ? null : "stripe" };
  }
  const now = Date.now();
  const summary =
    input.planId !== null
      ? `An admin granted the ${input.planId} plan.`
      : `An admin took back the granted ${person.planId ?? "free"} plan; now ${next.planId ?? "free"}.`;
  await db.batch([
    db
      .update(users)
      .set({ planId: next.planId, planSource: next.source, planGraceUntil: next.graceUntil })
      .where(eq(users.id, input.userId)),
    db.insert(billingEvents).values({
      id: `grant_${crypto.randomUUID()}`,
      type: input.planId !== null ? "admin.plan_granted" : "admin.plan_grant_removed",
      userId: input.userId,
      summary,
      createdAt: now,
      receivedAt: now,
    }),
    auditInsert(
      db,
      {
        actor: input.actor,
        action: "user.plan",
        target: input.userId,
        detail: { from: person.planId, to: next.planId, granted: input.planId !== null },
      },
      now,
    ),
  ]);
  return person.planId !== next.planId || person.graceUntil !== next.graceUntil;
}
