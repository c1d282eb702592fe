/**
 * Admission for chat requests: the rate limit of the RateLimiter object, then the monthly quota
 * from recorded usage. Both the SSE endpoint and the room's `send` ask here before any upstream
 * call starts; a refusal carries what the person needs to know (how long to wait).
 */
import type { Config } from "../env";
import type { Db } from "../db/queries";
import { monthRange, userMonthUsage } from "../db/usage";
import type { RateDecision } from "./RateLimiter";

export type { RateDecision } from "./RateLimiter";

export interface Subject {
  userId: string;
  kind: "guest" | "user";
  /** The client's address, for guests (who can mint new identities at will). */
  ip: string;
}

export class LimitError extends Error {
  constructor(
    readonly code: "rate_limited" | "quota_exhausted",
    message: string,
    readonly retryAfterMs: number,
    readonly decision?: RateDecision,
  ) {
    super(message);
  }
}

export function rateKey(subject: Subject): string {
  return subject.kind === "guest" ? `ip:${subject.ip}` : `user:${subject.userId}`;
}

export function rateLimitFor(subject: Subject, config: Config): { limit: number; windowMs: number } {
  return subject.kind === "guest"
    ? { limit: config.GUEST_RATE_LIMIT, windowMs: config.GUEST_RATE_WINDOW_SECONDS * 1000 }
    : { limit: config.USER_RATE_LIMIT, windowMs: config.USER_RATE_WINDOW_SECONDS * 1000 };
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

/** Checks the monthly token and cost caps; throws when the subject has used them up. */
export async function checkQuota(db: Db, subject: Subject, config: Config, now = new Date()): Promise<void> {
  const tokenCap = subject.kind === "guest" ? config.GUEST_MONTHLY_TOKENS : config.USER_MONTHLY_TOKENS;
  const costCap = subject.kind === "guest" ? config.GUEST_MONTHLY_COST_USD : config.USER_MONTHLY_COST_USD;
  if (tokenCap === 0 && costCap === 0) return;
  const range = monthRange(now);
  const { total } = await userMonthUsage(db, subject.userId, range, { serverPaidOnly: true });
  const tokens = total.inputTokens + total.outputTokens;
  if ((tokenCap > 0 && tokens >= tokenCap) || (costCap > 0 && total.costUsd >= costCap)) {
    throw new LimitError(
      "quota_exhausted",
      `You have used this month's allowance. It renews on ${new Date(range.end).toISOString().slice(0, 10)}.`,
      range.end - now.getTime(),
    );
  }
}

/**
 * Admits one chat request or throws LimitError. The quota is checked first, so a request refused
 * for quota does not spend a rate slot; the rate limiter counts only admitted requests.
 */
export async function admitChat(
  env: Env,
  db: Db,
  subject: Subject,
  config: Config,
  { ownKey = false }: { ownKey?: boolean } = {},
): Promise<RateDecision> {
  // Answers paid with the person's own key are theirs to spend: only the rate limit applies.
  if (!ownKey) await checkQuota(db, subject, config);
  const { limit, windowMs } = rateLimitFor(subject, config);
  const limiter = env.RateLimiter.getByName(rateKey(subject));
  const decision = await limiter.hit(limit, windowMs);
  if (!decision.allowed) {
    throw new LimitError(
      "rate_limited",
      `You have sent ${limit} messages in a short time. Try again in ${waitText(decision.retryAfterMs)}.`,
      decision.retryAfterMs,
      decision,
    );
  }
  return decision;
}
