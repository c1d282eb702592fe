/**
 * Admission for chat requests: the rate limit of the RateLimiter object, then the monthly quota
 * from recorded usage. Each limit is the person's own override if an admin set one, else their
 * plan's (worker/limits/plan.ts), else the admin's setting for their tier, else the
 * environment's default. Both the SSE endpoint and the
 * room's `send` ask here before any upstream call starts; a refusal carries what the person needs
 * to know (how long to wait). The built-in demo model is the exception: it calls no one and costs
 * nothing, so it has one rate limit of its own for everyone (`demoRateLimit`) and no quota.
 */
import { eq, sql } from "drizzle-orm";
import { users } from "../db/schema";
import { z } from "zod";
import type { Config } from "../env";
import type { Db } from "../db/queries";
import { monthRange } from "../db/usage";
import {
  LIMIT_FIELDS,
  globalLimitsSchema,
  type GlobalLimits,
  type LimitOverrides,
  type Limits,
} from "#protocol/admin";
import type { UsageTotals } from "#protocol/http";
import type { RateDecision, RateLog } from "./RateLimiter";
import { basePlanOf, planInForce, planJson, type PlanTerms } from "./plan";
import { AppError } from "../errors";

export type { RateDecision, RateLog } from "./RateLimiter";

export interface Subject {
  userId: string;
  kind: "guest" | "user";
  /** The client's address, for guests (who can mint new identities at will). */
  ip: string;
}

export function rateKey(subject: Subject): string {
  return subject.kind === "guest" ? `ip:${subject.ip}` : `user:${subject.userId}`;
}

/** The `settings` key holding `GlobalLimits` as JSON. */
export const LIMITS_SETTING = "limits";

/** What the deploy's environment says, before any admin setting. */
export function envLimits(kind: Subject["kind"], config: Config): Limits {
  return kind === "guest"
    ? {
        rateLimit: config.GUEST_RATE_LIMIT,
        rateWindowSeconds: config.GUEST_RATE_WINDOW_SECONDS,
        monthlyTokens: config.GUEST_MONTHLY_TOKENS,
        monthlyCostUsd: config.GUEST_MONTHLY_COST_USD,
      }
    : {
        rateLimit: config.USER_RATE_LIMIT,
        rateWindowSeconds: config.USER_RATE_WINDOW_SECONDS,
        monthlyTokens: config.USER_MONTHLY_TOKENS,
        monthlyCostUsd: config.USER_MONTHLY_COST_USD,
      };
}

/** Layers overrides over `base`, field by field: the first non-null value from the top wins. */
export function layerLimits(base: Limits, ...layers: Array<LimitOverrides | null | undefined>): Limits {
  const result = { ...base };
  for (const layer of layers) {
    for (const field of LIMIT_FIELDS) {
      const value = layer?.[field];
      if (value !== null && value !== undefined) result[field] = value;
    }
  }
  return result;
}

/** Reads a stored `limits` setting; a malformed one counts as absent rather than failing chats. */
export function parseGlobalLimits(json: string | null | undefined): GlobalLimits {
  if (!json) return { guest: {}, user: {} };
  try {
    const parsed = globalLimitsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : { guest: {}, user: {} };
  } catch {
    return { guest: {}, user: {} };
  }
}

const limitsRowSchema = z.object({
  global: z.string().nullable(),
  ownPlan: z.string().nullable(),
  basePlan: z.string().nullable(),
  planGraceUntil: z.number().nullable(),
  rateLimit: z.number().nullable(),
  rateWindowSeconds: z.number().nullable(),
  monthlyTokens: z.number().nullable(),
  monthlyCostUsd: z.number().nullable(),
});

/**
 * The limits in force for `subject` right now: the person's own override, else their plan's,
 * else the admin's setting for their tier, else the environment's default. Read from D1 on every
 * chat request in one statement (the settings row, the person's row and their plans), so an
 * admin's change or a new plan applies to the very next request without a deploy.
 */
export async function limitsFor(db: Db, subject: Subject, config: Config): Promise<Limits> {
  return limitsFrom(subject, config, await limitsRowQuery(db, subject));
}

/** The one statement `limitsFor` runs, for a D1 batch; `limitsFrom` reads its result. */
export function limitsRowQuery(db: Db, subject: Subject) {
  return db
    .select({
      global: sql<string | null>`(SELECT value FROM settings WHERE key = ${LIMITS_SETTING})`,
      rateLimit: users.rateLimit,
      rateWindowSeconds: users.rateWindowSeconds,
      monthlyTokens: users.monthlyTokens,
      monthlyCostUsd: users.monthlyCostUsd,
      ownPlan: planJson(sql`${users.planId}`),
      basePlan: planJson(basePlanOf(subject.kind)),
      planGraceUntil: users.planGraceUntil,
    })
    .from(sql`(SELECT 1) AS one`)
    .leftJoin(users, eq(users.id, subject.userId));
}

/** The limits in force at `now` from a `limitsRowQuery` result. */
export function limitsFrom(
  subject: Subject,
  config: Config,
  rows: readonly unknown[],
  now = Date.now(),
): Limits {
  const row = limitsRowSchema.parse(rows[0]);
  const global = parseGlobalLimits(row.global);
  const plan = planFrom(subject, rows, now);
  return layerLimits(envLimits(subject.kind, config), global[subject.kind], plan.limits, row);
}

/** The plan in force at `now` from a `limitsRowQuery` result. */
export function planFrom(subject: Subject, rows: readonly unknown[], now = Date.now()): PlanTerms {
  const row = limitsRowSchema.parse(rows[0]);
  return planInForce(
    { kind: subject.kind, own: row.ownPlan, base: row.basePlan, graceUntil: row.planGraceUntil },
    now,
  );
}

/** A rate limit as the RateLimiter object takes it, and the log it counts in. */
export interface RateLimit {
  limit: number;
  windowMs: number;
  /** Default: "chat", the log of every model but the demo. */
  log?: RateLog;
}

export function rateLimitFor(limits: Limits): RateLimit {
  return { limit: limits.rateLimit, windowMs: limits.rateWindowSeconds * 1000 };
}

/** Whether `model` is the built-in demo: no upstream, no cost, its own rate limit, no quota. */
export function isDemoModel(model: { provider: string }): boolean {
  return model.provider === "demo";
}

/**
 * The demo model's rate limit, the same for guests and accounts (from the environment only:
 * plans and admins' settings are about what real models cost). Counted in its own log, so demo
 * messages neither use up nor are refused by the limit for real models.
 */
export function demoRateLimit(config: Config): RateLimit {
  return { limit: config.DEMO_RATE_LIMIT, windowMs: config.DEMO_RATE_WINDOW_SECONDS * 1000, log: "demo" };
}

function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** Standard `RateLimit-*` headers (IETF draft) for a decision; `Retry-After` when refused. */
export function rateLimitHeaders(decision: RateDecision, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(Math.max(0, Math.ceil((decision.resetAt - now) / 1000))),
  };
  if (!decision.allowed) headers["Retry-After"] = String(Math.ceil(decision.retryAfterMs / 1000));
  return headers;
}

/**
 * What admission needs to know from D1 about a person, before anything is spent: read with
 * `limitsRowQuery` and `userMonthTotalQuery` in the same batch as the rest of a turn's reads.
 */
export interface AdmissionFacts {
  limits: Limits;
  /** This month's usage paid by the server. */
  used: UsageTotals;
  now: Date;
}

/** Throws `quota_exhausted` when this month's allowance is used up. */
export function enforceQuota({ limits, used, now }: AdmissionFacts): void {
  const { monthlyTokens: tokenCap, monthlyCostUsd: costCap } = limits;
  const tokens = used.inputTokens + used.outputTokens;
  if ((tokenCap > 0 && tokens >= tokenCap) || (costCap > 0 && used.costUsd >= costCap)) {
    const range = monthRange(now);
    throw new AppError(
      429,
      "quota_exhausted",
      `You have used this month's allowance. It renews on ${new Date(range.end).toISOString().slice(0, 10)}.`,
      { retryAfterMs: range.end - now.getTime() },
    );
  }
}

/** Counts one request against the person's rate limit, or throws `rate_limited`. */
export async function hitRateLimit(env: Env, subject: Subject, limits: Limits): Promise<RateDecision> {
  // The limiter takes the limit with each hit, so a changed limit needs no reset of its log.
  const { limit, windowMs } = rateLimitFor(limits);
  const limiter = env.RateLimiter.getByName(rateKey(subject));
  const decision = await limiter.hit(limit, windowMs);
  if (!decision.allowed) throw rateLimitedError(decision);
  return decision;
}

/** The refusal for a request over the rate limit of `log`, saying how long to wait. */
export function rateLimitedError(decision: RateDecision, log: RateLog = "chat"): AppError {
  const sent = `${decision.limit} messages${log === "demo" ? " to the demo model" : ""}`;
  return new AppError(
    429,
    "rate_limited",
    `You have sent ${sent} in a short time. Try again in ${waitText(decision.retryAfterMs)}.`,
    { retryAfterMs: decision.retryAfterMs, headers: rateLimitHeaders(decision) },
  );
}
