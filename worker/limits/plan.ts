/**
 * A person's plan as admission reads it: the plan on their row (while it is honoured) or the
 * plan of their kind. Read in the same statement as their limits (`limitsRowQuery`), as JSON of
 * the `plans` row, and decided here at the moment of asking: an unpaid plan's grace can end
 * while a room still holds what it read, and the next turn must already see Free.
 */
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { plans } from "../db/schema";
import type { LimitOverrides } from "#protocol/admin";

export const GUEST_PLAN = "guest";
export const FREE_PLAN = "free";

const planJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  rateLimit: z.number().nullable(),
  rateWindowSeconds: z.number().nullable(),
  monthlyTokens: z.number().nullable(),
  monthlyCostUsd: z.number().nullable(),
  concurrentGenerations: z.number().nullable(),
  excludedModels: z.array(z.string()).catch([]),
});

/** What a plan gives, as admission needs it. */
export interface PlanTerms {
  id: string;
  name: string;
  /** Limits of the plan (null fields keep the tier's). */
  limits: LimitOverrides;
  concurrentGenerations: number | null;
  excludedModels: string[];
}

/** The plan a person of `kind` has without one of their own. */
export const basePlanOf = (kind: "guest" | "user") => (kind === "guest" ? GUEST_PLAN : FREE_PLAN);

/** A scalar subquery: the `plans` row `id` names, as JSON (null when there is none). */
export function planJson(id: SQL | string): SQL<string | null> {
  return sql<string | null>`(SELECT json_object(
    'id', ${plans.id}, 'name', ${plans.name},
    'rateLimit', ${plans.rateLimit}, 'rateWindowSeconds', ${plans.rateWindowSeconds},
    'monthlyTokens', ${plans.monthlyTokens}, 'monthlyCostUsd', ${plans.monthlyCostUsd},
    'concurrentGenerations', ${plans.concurrentGenerations},
    'excludedModels', json(${plans.excludedModels})
  ) FROM ${plans} WHERE ${plans.id} = ${id})`;
}

/** The columns of a limits row that say which plan applies. */
export interface PlanColumns {
  kind: "guest" | "user";
  /** JSON of the plan on the person's row, if any. */
  own: string | null;
  graceUntil: number | null;
  /** JSON of the plan of their kind. */
  base: string | null;
}

/**
 * The plan in force at `now`: the person's own while it is honoured (an account's, never a
 * guest's; an unpaid one until its grace ends), else the plan of their kind. A plan row an
 * admin deleted reads as the plan beneath it; with no plan rows at all, nothing changes.
 */
export function planInForce(columns: PlanColumns, now: number): PlanTerms {
  const honoured = columns.kind === "user" && (columns.graceUntil === null || columns.graceUntil > now);
  return (
    (honoured ? parsePlan(columns.own) : null) ??
    parsePlan(columns.base) ?? {
      id: basePlanOf(columns.kind),
      name: columns.kind === "guest" ? "Guest" : "Free",
      limits: {},
      concurrentGenerations: null,
      excludedModels: [],
    }
  );
}

function parsePlan(json: string | null): PlanTerms | null {
  if (!json) return null;
  try {
    const parsed = planJsonSchema.safeParse(JSON.parse(json));
    if (!parsed.success) return null;
    const { id, name, concurrentGenerations, excludedModels, ...limits } = parsed.data;
    return { id, name, limits, concurrentGenerations, excludedModels };
  } catch {
    return null;
  }
}
