/**
 * RateLimiter: one Durable Object per subject (`user:<id>`, or `ip:<address>` for guests) keeping
 * a sliding-window log of its recent requests. A DO is the right home: every request of one
 * subject is serialized through it, wherever in the world it arrives, with no race between
 * counting and admitting. The log is at most `limit` timestamps, kept in the object's storage
 * so an eviction does not hand out a fresh window.
 */
import { DurableObject } from "cloudflare:workers";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the oldest counted request leaves the window (a slot frees up). */
  resetAt: number;
  /** Milliseconds to wait before retrying; 0 when allowed. */
  retryAfterMs: number;
}

const STORAGE_KEY = "hits";

export class RateLimiter extends DurableObject<Env> {
  private hits: number[] | undefined;

  private async load(): Promise<number[]> {
    this.hits ??= (await this.ctx.storage.get<number[]>(STORAGE_KEY)) ?? [];
    return this.hits;
  }

  /** Counts one request if the window has room; never counts a refused one. */
  async hit(limit: number, windowMs: number, now = Date.now()): Promise<RateDecision> {
    const recent = (await this.load()).filter((at) => at > now - windowMs);
    const allowed = recent.length < limit;
    if (allowed) recent.push(now);
    this.hits = recent;
    await this.ctx.storage.put(STORAGE_KEY, recent);
    const oldest = recent[0] ?? now;
    const resetAt = recent.length > 0 ? oldest + windowMs : now;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - recent.length),
      resetAt,
      retryAfterMs: allowed ? 0 : Math.max(0, resetAt - now),
    };
  }

  /** Forgets the window (an admin lifting a limit). */
  async reset(): Promise<void> {
    this.hits = [];
    await this.ctx.storage.delete(STORAGE_KEY);
  }
}
