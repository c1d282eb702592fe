/**
 * A plan as the admin's form edits it: its fields as text drafts, and the drafts turned back into
 * the change to send (`PATCH /api/v1/admin/plans/{id}`): only what differs from the plan, so the
 * audit log records what the admin actually changed. Empty limits follow the tier's.
 */
import { LIMIT_FIELDS, type LimitField } from "#protocol/admin";
import type { AdminPlan, PlanUpdate } from "#protocol/billing";
import { fromDrafts, toDrafts } from "./LimitFields.tsx";

export interface PlanDrafts {
  name: string;
  description: string;
  /** In the currency's units ("20", "9.50"). */
  price: string;
  currency: string;
  stripePriceId: string;
  limits: Record<LimitField, string>;
  concurrentGenerations: string;
  excludedModels: string[];
}

export type PlanField = Exclude<keyof PlanDrafts, "limits"> | LimitField;

export function planDrafts(plan: AdminPlan): PlanDrafts {
  return {
    name: plan.name,
    description: plan.description,
    price: (plan.monthlyPriceCents / 100).toString(),
    currency: plan.currency,
    stripePriceId: plan.stripePriceId ?? "",
    limits: toDrafts(plan),
    concurrentGenerations: plan.concurrentGenerations?.toString() ?? "",
    excludedModels: [...plan.excludedModels],
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id) => b.includes(id));

/** The change to send, or the first field that is not valid with a sentence saying why. */
export function planChanges(
  plan: AdminPlan,
  drafts: PlanDrafts,
): { change: PlanUpdate } | { invalid: PlanField; message: string } {
  const change: PlanUpdate = {};
  const name = drafts.name.trim();
  if (!name || name.length > 60)
    return { invalid: "name", message: "Give the plan a name (up to 60 characters)." };
  if (name !== plan.name) change.name = name;
  const description = drafts.description.trim();
  if (description.length > 300) return { invalid: "description", message: "Keep it under 300 characters." };
  if (description !== plan.description) change.description = description;

  const price = Number(drafts.price.trim() || "0");
  if (!Number.isFinite(price) || price < 0 || price > 100_000) {
    return { invalid: "price", message: "Enter a price of 0 or more, like 20 or 9.50." };
  }
  const cents = Math.round(price * 100);
  if (cents !== plan.monthlyPriceCents) change.monthlyPriceCents = cents;
  const currency = drafts.currency.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) return { invalid: "currency", message: "A three-letter code, like usd." };
  if (currency !== plan.currency) change.currency = currency;

  const priceId = drafts.stripePriceId.trim() || null;
  if (priceId !== null && !/^price_[A-Za-z0-9]+$/.test(priceId)) {
    return { invalid: "stripePriceId", message: "A Stripe price id starts with price_." };
  }
  if (priceId !== plan.stripePriceId) change.stripePriceId = priceId;

  const limits = fromDrafts(drafts.limits);
  if ("invalid" in limits) return { invalid: limits.invalid, message: "Enter a valid number." };
  for (const field of LIMIT_FIELDS) {
    if (limits.overrides[field] !== plan[field]) change[field] = limits.overrides[field];
  }

  const concurrentText = drafts.concurrentGenerations.trim();
  const concurrent = concurrentText === "" ? null : Number(concurrentText);
  if (concurrent !== null && (!Number.isInteger(concurrent) || concurrent < 1 || concurrent > 50)) {
    return { invalid: "concurrentGenerations", message: "A whole number from 1 to 50." };
  }
  if (concurrent !== plan.concurrentGenerations) change.concurrentGenerations = concurrent;

  if (!sameSet(drafts.excludedModels, plan.excludedModels)) change.excludedModels = drafts.excludedModels;
  return { change };
}
