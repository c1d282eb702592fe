/**
 * RateLimiter: one Durable Object per subject (`user:<id>`, or `ip:<address>` for guests) keeping
 * a sliding-window log of its recent requests. A DO is the right home: every request of one
 * subject is serialized through it, wherever in the world it arrives, with no race between
 * counting and admitting. The log is at most `limit` timestamps, kept in the object's storage
 * so an eviction does not hand out a fresh window. The built-in demo model's messages are counted
 * in a log of their own (`RateLog`), so they neither use up nor are refused by the limit for
 * real models.
 *
 * The same object also counts the subject's generations in flight, as leases (see
 * ./concurrency.ts): each running answer holds one until it is released or its time runs out,
 * so a room that crashed without releasing cannot keep a slot for longer than one lease.
 *
 * Objects named `signin:…` keep the password throttle's counts instead (./signin.ts).
 */
import { DurableObject } from "cloudflare:workers";
import {
  beginAttempt,
  forgetStale,
  noteAccountFailure,
  settleAttempt,
  type AttemptDecision,
  type AttemptOutcome,
} from "./signin";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the oldest counted request leaves the window (a slot frees up). */
  resetAt: number;
  /** Milliseconds to wait before retrying; 0 when allowed. */
  retryAfterMs: number;
}

/** The answer to a lease request. */
export interface LeaseDecision {
  granted: boolean;
  cap: number;
  /** Leases held after this decision (including the new one when granted). */
  active: number;
  /** When refused: milliseconds until the oldest lease expires at the latest. */
  retryAfterMs: number;
}

/**
 * The limiter answers without waiting for its write to reach disk: the answer gates the first
 * token of every chat, and if the object crashed right after a write the worst outcome is one
 * request or one answer more than the limit allows. Writes still land, in order.
 */
const FAST = { allowUnconfirmed: true } as const;

/** Which of the subject's request logs a request counts in. */
export type RateLog = "chat" | "demo";

const STORAGE_KEY = "hits";
const LEASES_KEY = "leases";

/** Where a log is stored: the chat log keeps its old key, so windows survive a deploy. */
function logKey(log: RateLog): string {
  return log === "chat" ? STORAGE_KEY : `${STORAGE_KEY}:${log}`;
}

export class RateLimiter extends DurableObject<Env> {
  private readonly logs = new Map<RateLog, number[]>();

  private async load(log: RateLog): Promise<number[]> {
    let hits = this.logs.get(log);
    if (!hits) {
      hits = (await this.ctx.storage.get<number[]>(logKey(log))) ?? [];
      this.logs.set(log, hits);
    }
    return hits;
  }

  /** Counts one request in `log` if its window has room; never counts a refused one. */
  async hit(limit: number, windowMs: number, log: RateLog = "chat", now = Date.now()): Promise<RateDecision> {
    const { decision, hits } = await this.countHit(limit, windowMs, log, now);
    await this.ctx.storage.put(logKey(log), hits, FAST);
    return decision;
  }

  /** The decision for one request, applied to the log in memory (the caller writes `hits`). */
  private async countHit(
    limit: number,
    windowMs: number,
    log: RateLog,
    now: number,
  ): Promise<{ decision: RateDecision; hits: number[] }> {
    const recent = (await this.load(log)).filter((at) => at > now - windowMs);
    const allowed = recent.length < limit;
    if (allowed) recent.push(now);
    this.logs.set(log, recent);
    const oldest = recent[0] ?? now;
    const resetAt = recent.length > 0 ? oldest + windowMs : now;
    const decision = {
      allowed,
      limit,
      remaining: Math.max(0, limit - recent.length),
      resetAt,
      retryAfterMs: allowed ? 0 : Math.max(0, resetAt - now),
    };
    return { decision, hits: recent };
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrent generations: leases with an expiry
  // ---------------------------------------------------------------------------------------------

  private leases: Record<string, number> | undefined;

  /** Leases that have not expired, by id → expiry (epoch ms); expired ones are dropped. */
  private async liveLeases(now: number): Promise<Record<string, number>> {
    this.leases ??= (await this.ctx.storage.get<Record<string, number>>(LEASES_KEY)) ?? {};
    for (const [id, expiresAt] of Object.entries(this.leases)) {
      if (expiresAt <= now) delete this.leases[id];
    }
    return this.leases;
  }

  private async saveLeases(leases: Record<string, number>): Promise<void> {
    if (Object.keys(leases).length === 0) await this.ctx.storage.delete(LEASES_KEY, FAST);
    else await this.ctx.storage.put(LEASES_KEY, leases, FAST);
  }

  /**
   * Takes lease `leaseId` for `ttlMs` if fewer than `cap` leases are live (taking one that is
   * already held just extends it). A refused request changes nothing.
   */
  async acquire(leaseId: string, cap: number, ttlMs: number, now = Date.now()): Promise<LeaseDecision> {
    const decision = await this.takeLease(leaseId, cap, ttlMs, now);
    await this.saveLeases(this.leases ?? {});
    return decision;
  }

  /** The lease decision, applied to the leases in memory (the caller writes them). */
  private async takeLease(leaseId: string, cap: number, ttlMs: number, now: number): Promise<LeaseDecision> {
    const leases = await this.liveLeases(now);
    const held = Object.values(leases);
    if (leases[leaseId] === undefined && held.length >= cap) {
      return { granted: false, cap, active: held.length, retryAfterMs: Math.min(...held) - now };
    }
    leases[leaseId] = now + ttlMs;
    return { granted: true, cap, active: Object.keys(leases).length, retryAfterMs: 0 };
  }

  /** Extends a live lease by `ttlMs` from now; false when it had already expired or was released. */
  /**
   * Counts a request in `log` and, if it is allowed, takes a generation slot: what a chat turn
   * needs, in one call. A refused request takes no slot. Slots are shared by every log: the cap
   * on answers at once holds whichever model writes them.
   */
  async admit(
    limit: number,
    windowMs: number,
    leaseId: string,
    cap: number,
    ttlMs: number,
    log: RateLog = "chat",
    now = Date.now(),
  ): Promise<{ rate: RateDecision; lease: LeaseDecision | null }> {
    const { decision: rate, hits } = await this.countHit(limit, windowMs, log, now);
    if (!rate.allowed) {
      await this.ctx.storage.put(logKey(log), hits, FAST);
      return { rate, lease: null };
    }
    const lease = await this.takeLease(leaseId, cap, ttlMs, now);
    // Both changes in one write: this call stands before every first token.
    const leases = this.leases ?? {};
    if (Object.keys(leases).length === 0) {
      await this.ctx.storage.put(logKey(log), hits, FAST);
    } else {
      await this.ctx.storage.put({ [logKey(log)]: hits, [LEASES_KEY]: leases }, FAST);
    }
    return { rate, lease };
  }

  async renew(leaseId: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const leases = await this.liveLeases(now);
    if (leases[leaseId] === undefined) return false;
    leases[leaseId] = now + ttlMs;
    await this.saveLeases(leases);
    return true;
  }

  /** Gives a lease back; releasing one that is gone is not an error. */
  async release(leaseId: string, now = Date.now()): Promise<void> {
    const leases = await this.liveLeases(now);
    delete leases[leaseId];
    await this.saveLeases(leases);
  }

  /** How many leases are live right now. */
  async activeLeases(now = Date.now()): Promise<number> {
    return Object.keys(await this.liveLeases(now)).length;
  }

  /** Forgets the windows of every log (an admin lifting a limit). */
  async reset(): Promise<void> {
    this.logs.clear();
    await this.ctx.storage.delete([logKey("chat"), logKey("demo")]);
  }

  // ---------------------------------------------------------------------------------------------
  // Password attempts (./signin.ts): on `signin:client:…` and `signin:account:…` objects
  // ---------------------------------------------------------------------------------------------

  /** May this client try a password for `account` now? An allowed attempt counts as a failure. */
  async signInAttempt(account: string, now = Date.now()): Promise<AttemptDecision> {
    return beginAttempt(this.ctx.storage, account, now);
  }

  /** How an allowed attempt ended; `underAttack` comes from the account's object. */
  async signInSettled(
    account: string,
    outcome: AttemptOutcome,
    startedAt: number,
    underAttack = false,
    now = Date.now(),
  ): Promise<void> {
    await settleAttempt(this.ctx.storage, account, outcome, startedAt, underAttack, now);
  }

  /** Counts a wrong password on this account's object; true when the account is under attack. */
  async signInFailedOnAccount(now = Date.now()): Promise<boolean> {
    return noteAccountFailure(this.ctx.storage, now);
  }

  /** Clears password-attempt records nobody added to for a day. */
  override async alarm(): Promise<void> {
    await forgetStale(this.ctx.storage, Date.now());
  }
}
