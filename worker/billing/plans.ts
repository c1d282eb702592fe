/**
 * Plans as data: reading them for the pricing section and the admin, and what each gives once
 * laid over the tier's limits. Admission reads a person's plan on its own path, in the same
 * statement as their limits (worker/limits/plan.ts).
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { plans, type PlanRow } from "../db/schema";
import type { Config } from "../env";
import { AppError } from "../errors";
import { envLimits, layerLimits, parseGlobalLimits, LIMITS_SETTING } from "../limits";
import { GENERATION_CAPS } from "../limits/concurrency";
import { readSetting } from "../admin/settings";
import type { AdminPlan, PlanUpdate, PlanView } from "#protocol/billing";

export async function readPlans(db: Db): Promise<PlanRow[]> {
  return db.select().from(plans).orderBy(asc(plans.position), asc(plans.id));
}

export function excludedOf(row: Pick<PlanRow, "excludedModels">): string[] {
  try {
    const parsed: unknown = JSON.parse(row.excludedModels);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Every plan as the pricing section shows it: what an account (a guest, for the guest plan) on
 * it gets, laid over the environment and the admin's tier setting.
 */
export async function planViews(db: Db, config: Config, paymentsEnabled: boolean): Promise<PlanView[]> {
  const [rows, global] = await Promise.all([readPlans(db), readSetting(db, LIMITS_SETTING)]);
  const tiers = parseGlobalLimits(global);
  return rows.map((row) => {
    const kind = row.id === "guest" ? "guest" : "user";
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      monthlyPriceCents: row.monthlyPriceCents,
      currency: row.currency,
      purchasable: paymentsEnabled && row.stripePriceId !== null && row.monthlyPriceCents > 0,
      limits: layerLimits(envLimits(kind, config), tiers[kind], row),
      concurrentGenerations: row.concurrentGenerations ?? GENERATION_CAPS[kind],
      excludedModels: excludedOf(row),
    };
  });
}

export function adminPlan(row: PlanRow): AdminPlan {
  return { ...row, excludedModels: excludedOf(row) };
}

/** The plan a Stripe price sells, if any. */
export function planOfPrice(
  rows: readonly PlanRow[],
  priceId: string | null | undefined,
): PlanRow | undefined {
  return priceId ? rows.find((row) => row.stripePriceId === priceId) : undefined;
}

/** The update of one plan (the statement, for the batch that also writes the audit entry). */
export function planUpdate(db: Db, id: string, change: PlanUpdate, now = Date.now()) {
  const { excludedModels, ...columns } = change;
  return db
    .update(plans)
    .set({
      ...columns,
      ...(excludedModels ? { excludedModels: JSON.stringify([...new Set(excludedModels)]) } : {}),
      updatedAt: now,
    })
    .where(eq(plans.id, id))
    .returning();
}

export async function requirePlan(db: Db, id: string): Promise<PlanRow> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id)).limit(1);
  if (!row) throw new AppError(404, "not_found", `There is no plan "${id}".`);
  return row;
}
