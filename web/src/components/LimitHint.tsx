/**
 * The one-line hint under the composer about request limits: quiet until few requests are left,
 * then "3 requests left until 14:20"; when limited, says why and, once, when sending works again
 * (counting down while it is close).
 */
import { Suspense, useEffect, useState } from "react";
import { UPGRADE_CODES } from "../billing.ts";
import { useRateLimit, type RateLimitState } from "../rate-limit.ts";
import { UpgradeLink } from "./lazy-parts.ts";

/** Below this many remaining requests the hint appears. */
const WARN_BELOW = 5;

const clock = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

/** When the window resets, from now: "in 23 seconds", "in 4 minutes", "at 14:20". */
export function formatReset(resetAt: number, now = Date.now()): string {
  const seconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  if (seconds < 90) return seconds === 1 ? "in 1 second" : `in ${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `in ${minutes} minutes`;
  return `at ${clock.format(resetAt)}`;
}

/**
 * The server's refusal names its own wait ("… Try again in 23 seconds."), true only at the moment
 * it was written: that part gives way to a wait counted from the reset time we hold.
 */
const SERVER_WAIT = /\s*Try again in [^.]*\.?\s*$/;

/** What a limited composer says: why, then when it can send again (once, from `resetAt`). */
export function limitParts(limit: RateLimitState, now = Date.now()): { why: string; when: string | null } {
  const reason = limit.message ?? "You’ve reached your request limit.";
  // A month's allowance is better met with a bigger plan than with waiting for it; its message
  // already says when it renews.
  if (limit.code === "quota_exhausted" || limit.resetAt === null) return { why: reason, when: null };
  return {
    why: reason.replace(SERVER_WAIT, ""),
    when: `You can send again ${formatReset(limit.resetAt, now)}.`,
  };
}

export function limitSentence(limit: RateLimitState, now = Date.now()): string {
  const { why, when } = limitParts(limit, now);
  return when ? `${why} ${when}` : why;
}

/** Re-renders every second while `on` (a countdown that stays true). */
function useSecondTick(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

export function LimitHint({ model }: { model: string | null }) {
  const limit = useRateLimit(model);
  const now = useSecondTick(limit.limited && limit.resetAt !== null);
  if (limit.limited) {
    const { why, when } = limitParts(limit, now);
    return (
      <span role="status" data-testid="limit-hint" className="text-warn">
        {why}
        {/* The countdown changes every second: read once, not at every tick. */}
        {when && <span aria-live="off">{` ${when}`}</span>}
        {limit.code !== null && UPGRADE_CODES.has(limit.code) && (
          <>
            {" "}
            <Suspense fallback={null}>
              <UpgradeLink className="text-accent" />
            </Suspense>
          </>
        )}
      </span>
    );
  }
  if (limit.remaining !== null && limit.remaining <= WARN_BELOW) {
    return (
      <span data-testid="limit-hint">
        {limit.remaining === 1 ? "1 request left" : `${limit.remaining} requests left`}
        {limit.resetAt !== null && ` until ${clock.format(limit.resetAt)}`}
      </span>
    );
  }
  return null;
}
