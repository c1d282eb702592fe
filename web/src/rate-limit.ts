/**
 * What the server said about request limits, from `RateLimit-Remaining` / `RateLimit-Reset`
 * (IETF draft: seconds until the window resets) on any API answer, and from `rate_limited` errors.
 * The composer's hint reads it; until the backend sends these headers it stays empty.
 */
import { useSyncExternalStore } from "react";

export interface RateLimitState {
  remaining: number | null;
  /** Epoch ms when the window resets. */
  resetAt: number | null;
  /** The last request was refused for the limit. */
  limited: boolean;
  message: string | null;
  /** Why the last request was refused: `rate_limited` (wait) or `quota_exhausted` (a bigger plan helps). */
  code: string | null;
}

const empty: RateLimitState = { remaining: null, resetAt: null, limited: false, message: null, code: null };
let state: RateLimitState = empty;
const listeners = new Set<() => void>();

let expiry: ReturnType<typeof setTimeout> | undefined;

function set(next: RateLimitState) {
  state = next;
  for (const listener of listeners) listener();
  // Once the window resets, the hint (and a lock on the composer) goes away by itself.
  clearTimeout(expiry);
  const delay = next.resetAt === null ? null : Math.max(0, next.resetAt - Date.now()) + 250;
  if (delay !== null && delay < 2 ** 31) expiry = setTimeout(() => set(empty), delay);
}

function parseReset(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) {
    // Large values are absolute epoch seconds (some servers send those), small ones a delay.
    return seconds > 1e9 ? seconds * 1000 : now + seconds * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : date;
}

/** Reads the limit headers of one response (no headers: nothing changes). */
export function noteRateLimitHeaders(headers: Headers, status: number, now = Date.now()): void {
  const remainingHeader = headers.get("RateLimit-Remaining");
  const resetAt = parseReset(headers.get("RateLimit-Reset") ?? headers.get("Retry-After"), now);
  if (remainingHeader === null && resetAt === null && status !== 429) return;
  const remaining = remainingHeader === null ? null : Number(remainingHeader);
  set({
    remaining: remaining !== null && Number.isFinite(remaining) ? remaining : null,
    resetAt,
    limited: status === 429 || remaining === 0,
    message: status === 429 ? state.message : null,
    code: status === 429 ? state.code : null,
  });
}

/** The sender's window after an accepted send (the room's `rate_limit` frame). */
export function noteRateLimitWindow(remaining: number, resetAt: number): void {
  set({ remaining, resetAt, limited: false, message: null, code: null });
}

export function noteRateLimited(
  message: string,
  resetAt: number | null = null,
  code: string = "rate_limited",
): void {
  set({ remaining: 0, resetAt: resetAt ?? state.resetAt, limited: true, message, code });
}

export function clearRateLimit(): void {
  if (state !== empty) set(empty);
}

export function useRateLimit(): RateLimitState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
