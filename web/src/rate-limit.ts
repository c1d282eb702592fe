/**
 * What the server said about request limits, from `RateLimit-Remaining` / `RateLimit-Reset`
 * (IETF draft: seconds until the window resets) on any API answer, from the room's `rate_limit`
 * frames, and from `rate_limited` / `quota_exhausted` errors. The composer's hint reads it.
 *
 * The demo model has a rate limit of its own, counted apart from the real models' (see
 * worker/limits `demoRateLimit`), so there are two windows here: a refusal for one locks the
 * composer only while a model of that kind is chosen.
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

/** Which limit a model counts against: the demo's own, or the one for real models. */
export type LimitKind = "demo" | "chat";

const empty: RateLimitState = { remaining: null, resetAt: null, limited: false, message: null, code: null };
const states: Record<LimitKind, RateLimitState> = { demo: empty, chat: empty };
const expiries: Partial<Record<LimitKind, ReturnType<typeof setTimeout>>> = {};
const listeners = new Set<() => void>();

/** Models known to be the built-in demo (from the model list; its provider is "demo"). */
const demoModels = new Set<string>(["parley-demo"]);

export function noteModelList(models: readonly { id: string; provider: string }[]): void {
  for (const model of models) if (model.provider === "demo") demoModels.add(model.id);
}

export function limitKindOf(modelId: string | null | undefined): LimitKind {
  return modelId && demoModels.has(modelId) ? "demo" : "chat";
}

function set(kind: LimitKind, next: RateLimitState) {
  states[kind] = next;
  for (const listener of listeners) listener();
  // Once the window resets, the hint (and a lock on the composer) goes away by itself.
  clearTimeout(expiries[kind]);
  const delay = next.resetAt === null ? null : Math.max(0, next.resetAt - Date.now()) + 250;
  if (delay !== null && delay < 2 ** 31) expiries[kind] = setTimeout(() => set(kind, empty), delay);
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
export function noteRateLimitHeaders(
  headers: Headers,
  status: number,
  now = Date.now(),
  kind: LimitKind = "chat",
): void {
  const remainingHeader = headers.get("RateLimit-Remaining");
  const resetAt = parseReset(headers.get("RateLimit-Reset") ?? headers.get("Retry-After"), now);
  if (remainingHeader === null && resetAt === null && status !== 429) return;
  const remaining = remainingHeader === null ? null : Number(remainingHeader);
  const state = states[kind];
  set(kind, {
    remaining: remaining !== null && Number.isFinite(remaining) ? remaining : null,
    resetAt,
    limited: status === 429 || remaining === 0,
    message: status === 429 ? state.message : null,
    code: status === 429 ? state.code : null,
  });
}

/** The sender's window after an accepted send (the room's `rate_limit` frame). */
export function noteRateLimitWindow(remaining: number, resetAt: number, kind: LimitKind = "chat"): void {
  set(kind, { remaining, resetAt, limited: false, message: null, code: null });
}

export function noteRateLimited(
  message: string,
  resetAt: number | null = null,
  code: string = "rate_limited",
  kind: LimitKind = "chat",
): void {
  set(kind, { remaining: 0, resetAt: resetAt ?? states[kind].resetAt, limited: true, message, code });
}

export function clearRateLimit(): void {
  for (const kind of ["demo", "chat"] as const) if (states[kind] !== empty) set(kind, empty);
}

/** The limit that applies to sending with `modelId` (the real models' when unknown). */
export function useRateLimit(modelId?: string | null): RateLimitState {
  const kind = limitKindOf(modelId);
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => states[kind],
  );
}
