/**
 * Backpressure for generations. Three bounds keep one person (or a runaway client) from tying
 * up Parley's upstream capacity:
 *
 * - per room: one answer at a time (ConversationRoom refuses with `conversation_busy`);
 * - per person: at most `GENERATION_CAPS` answers at once across all their conversations,
 *   counted by the subject's RateLimiter object as leases (`acquireGenerationSlot`). Guests are
 *   keyed by address, like the rate limit, since they can mint identities at will;
 * - per answer: `GENERATION_DEADLINE_MS` of total generation time (`withDeadline`), on top of
 *   the upstream connect/idle timeout of worker/providers/retry.ts.
 *
 * A lease lasts `LEASE_TTL_MS` and the slot renews it while the answer runs, so a room that
 * crashes (and stops renewing) frees the slot within one TTL instead of leaking it.
 */
import type { ErrorInfo } from "#protocol/messages";
import { AppError } from "../errors";
import { rateKey, rateLimitedError, type RateDecision, type RateLimit, type Subject } from "./index";

/** Answers one person may have generating at the same time, across all their conversations. */
export const GENERATION_CAPS = { user: 3, guest: 1 } as const;

/** The longest one answer may take, from the first upstream request to the last token. */
export const GENERATION_DEADLINE_MS = 10 * 60_000;

/** How long a lease lives without renewal; a crashed room's slot is free after this. */
export const LEASE_TTL_MS = 60_000;

export interface GenerationSlot {
  readonly leaseId: string;
  /** The rate-limit decision, when the slot was taken together with a rate-limit hit. */
  readonly rate?: RateDecision;
  /** Frees the slot (idempotent). Call it when the answer ends, however it ends. */
  release(): Promise<void>;
}

export interface SlotOptions {
  /** Overrides the cap of `GENERATION_CAPS` for this subject. */
  cap?: number;
  ttlMs?: number;
  /** How often the lease is renewed while held; 0 turns renewal off. Default: half the TTL. */
  renewEveryMs?: number;
  /** Renewal stops after this long even if `release` was never called. */
  maxHoldMs?: number;
  /**
   * Also counts the request against this rate limit, in the same call to the person's limiter
   * (one round trip before the first token instead of two); a refused request takes no slot.
   */
  rate?: RateLimit;
}

function plural(count: number, one: string): string {
  return count === 1 ? `1 ${one}` : `${count} ${one}s`;
}

/**
 * Takes one of the subject's generation slots, or throws an AppError: 429
 * `too_many_generations` when the subject already has `cap` answers running, 503
 * `server_busy` when the limiter itself is overloaded.
 */
export async function acquireGenerationSlot(
  env: Env,
  subject: Subject,
  options: SlotOptions = {},
): Promise<GenerationSlot> {
  const cap = options.cap ?? GENERATION_CAPS[subject.kind];
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(ttlMs / 2);
  const maxHoldMs = options.maxHoldMs ?? GENERATION_DEADLINE_MS + ttlMs;
  const limiter = env.RateLimiter.getByName(rateKey(subject));
  const leaseId = crypto.randomUUID();
  let decision;
  let rate: RateDecision | undefined;
  try {
    if (options.rate) {
      const { limit, windowMs, log = "chat" } = options.rate;
      const admitted = await limiter.admit(limit, windowMs, leaseId, cap, ttlMs, log);
      if (!admitted.lease) throw rateLimitedError(admitted.rate, log);
      rate = admitted.rate;
      decision = admitted.lease;
    } else {
      decision = await limiter.acquire(leaseId, cap, ttlMs);
    }
  } catch (cause) {
    if ((cause as { overloaded?: unknown } | null)?.overloaded === true) {
      throw new AppError(
        503,
        "server_busy",
        "Parley is handling too many answers right now. Try again in a few seconds.",
        { retryAfterMs: 5_000, expose: true },
      );
    }
    throw cause;
  }
  if (!decision.granted) {
    const who = subject.kind === "guest" ? "Guests on one network" : "You";
    throw new AppError(
      429,
      "too_many_generations",
      `${who} can have ${plural(cap, "answer")} being written at a time. ` +
        "Wait for one to finish or stop it, then try again.",
      { retryAfterMs: Math.max(1_000, Math.min(decision.retryAfterMs, 10_000)) },
    );
  }

  const acquiredAt = Date.now();
  let released = false;
  const timer =
    renewEveryMs > 0
      ? setInterval(() => {
          if (released || Date.now() - acquiredAt > maxHoldMs) {
            clearInterval(timer);
            return;
          }
          limiter.renew(leaseId, ttlMs).catch(() => undefined);
        }, renewEveryMs)
      : undefined;

  return {
    leaseId,
    ...(rate ? { rate } : {}),
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await limiter.release(leaseId);
    },
  };
}

/** The error a generation ends with when it ran into `GENERATION_DEADLINE_MS`. */
export function deadlineErrorInfo(ms = GENERATION_DEADLINE_MS): ErrorInfo {
  return {
    code: "generation_timeout",
    message: `This answer was cut off after ${Math.round(ms / 60_000)} minutes, the longest one answer may take.`,
    retryable: false,
  };
}

export class DeadlineExceededError extends Error {
  override name = "DeadlineExceededError";
  constructor(readonly ms: number) {
    super(`the generation ran longer than ${ms} ms`);
  }
}

export interface Deadline {
  /** Aborts when `parent` aborts (with its reason) or when the time is up (DeadlineExceededError). */
  readonly signal: AbortSignal;
  /** True once the time ran out (and not merely because `parent` aborted). */
  readonly expired: boolean;
  /** Clears the timer; call it when the work ends before the deadline. */
  dispose(): void;
}

/** A signal that follows `parent` and also aborts after `ms` milliseconds. */
export function withDeadline(parent: AbortSignal | undefined, ms: number = GENERATION_DEADLINE_MS): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => {
    clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  const timer = setTimeout(() => {
    expired = true;
    parent?.removeEventListener("abort", onParentAbort);
    controller.abort(new DeadlineExceededError(ms));
  }, ms);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
