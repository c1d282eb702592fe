/**
 * The one-line hint under the composer about request limits: quiet until few requests are left,
 * then "3 requests left until 14:20"; when limited, says so and when it resets.
 */
import { useRateLimit } from "../rate-limit.ts";
import { UPGRADE_CODES, UpgradeLink } from "./UpgradeLink.tsx";

/** Below this many remaining requests the hint appears. */
const WARN_BELOW = 5;

const clock = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

export function formatReset(resetAt: number, now = Date.now()): string {
  const minutes = Math.ceil((resetAt - now) / 60_000);
  if (minutes <= 1) return "in a minute";
  if (minutes < 60) return `in ${minutes} minutes`;
  return `at ${clock.format(resetAt)}`;
}

export function LimitHint() {
  const limit = useRateLimit();
  if (limit.limited) {
    return (
      <span role="status" data-testid="limit-hint" className="text-warn">
        {limit.message ?? "You’ve reached your request limit."}
        {/* A month's allowance is better met with a bigger plan than with waiting for it. */}
        {limit.code !== "quota_exhausted" &&
          limit.resetAt !== null &&
          ` It resets ${formatReset(limit.resetAt)}.`}
        {limit.code !== null && UPGRADE_CODES.has(limit.code) && (
          <>
            {" "}
            <UpgradeLink className="text-accent" />
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
