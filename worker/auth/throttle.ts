/**
 * The password throttle: every check of a password (sign-in, and the current password when
 * changing it) goes through here. A client gets a few free wrong passwords per account, then
 * waits 1 s, 2 s, 4 s … (at most 15 minutes) before each next try; across all accounts it may
 * fail only so often an hour. A right password clears its record. The counts live in RateLimiter
 * objects (worker/limits/signin.ts); docs/security.md says why the wait is per client and not a
 * lock on the account.
 *
 * Nothing here reads the accounts table: an unknown email is counted, refused and answered exactly
 * like a known one.
 */
import { getConfig } from "../env";
import { AppError } from "../errors";
import type { AttemptOutcome } from "../limits/signin";
import { clientIp } from "../room/identity";
import { normalizeEmail } from "./accounts";

export interface PasswordAttempt {
  /**
   * Runs the password check and records how it ended: `invalid_credentials` counts as a wrong
   * password, success clears the record, any other error counts as nothing. Rethrows.
   */
  settle<T>(check: Promise<T>): Promise<T>;
}

/**
 * The client a request counts against: its address, and for IPv6 the /64 network (one customer's
 * share, which hands out more addresses than anyone could try). The one place to change if the
 * way addresses are known changes.
 */
export function throttleClient(env: Env, request: Request): string {
  return addressBlock(clientIp(request, getConfig(env).TRUST_CF_CONNECTING_IP));
}

/** An IPv6 address's first four groups (its /64); anything else unchanged. */
export function addressBlock(address: string): string {
  if (!address.includes(":") || address.includes(".")) return address.toLowerCase();
  const [head = "", tail] = address.toLowerCase().split("::");
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? front
      : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds === 1) return "1 second";
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

export function tooManyAttempts(retryAfterMs: number): AppError {
  // Whole seconds, so the body's sentence and the `Retry-After` header say the same thing.
  const waitMs = Math.max(1, Math.ceil(retryAfterMs / 1000)) * 1000;
  return new AppError(429, "too_many_attempts", `Too many attempts. Try again in ${waitText(waitMs)}.`, {
    retryAfterMs: waitMs,
  });
}

/** Before checking a password for `account` from this request's client; throws 429 when it must wait. */
async function passwordAttempt(env: Env, request: Request, account: string): Promise<PasswordAttempt> {
  const client = env.RateLimiter.getByName(`signin:client:${throttleClient(env, request)}`);
  const decision = await client.signInAttempt(account);
  if (!decision.allowed) throw tooManyAttempts(decision.retryAfterMs);
  const report = (outcome: AttemptOutcome, underAttack = false) =>
    client.signInSettled(account, outcome, decision.startedAt, underAttack);
  return {
    async settle<T>(check: Promise<T>): Promise<T> {
      let value: T;
      try {
        value = await check;
      } catch (error) {
        if (error instanceof AppError && error.code === "invalid_credentials") {
          const onAccount = env.RateLimiter.getByName(`signin:account:${account}`);
          await report("failure", await onAccount.signInFailedOnAccount());
        } else {
          await report("void");
        }
        throw error;
      }
      await report("success");
      return value;
    },
  };
}

/** The throttle for signing in as `email` (normalized, whether or not it has an account). */
export function signInAttempt(env: Env, request: Request, email: string): Promise<PasswordAttempt> {
  return passwordAttempt(env, request, `email:${normalizeEmail(email)}`);
}

/** The throttle for the current-password check of a password change. */
export function passwordChangeAttempt(env: Env, request: Request, userId: string): Promise<PasswordAttempt> {
  return passwordAttempt(env, request, `user:${userId}`);
}
