/**
 * Bookkeeping of the password throttle (worker/auth/throttle.ts decides who asks; docs/security.md
 * says why), kept in RateLimiter objects of two kinds:
 *
 * - a **client** object (`signin:client:<client>`) holds one record per account tried from that
 *   client — failures in a row and when the last one happened — plus a log of the client's recent
 *   failures across all accounts. Every attempt is counted here as a failure *before* the password
 *   is checked and taken back if it was right, so parallel guesses cannot slip past the count;
 * - an **account** object (`signin:account:<account>`) only counts the account's recent failures
 *   from all clients, to tell when it is under a distributed attack. It never refuses anyone.
 *
 * All waits are computed from stored timestamps and the `now` the caller passes, so tests can ask
 * what the wait would be at any moment instead of sleeping.
 */

export const SIGNIN_LIMITS = {
  /** Wrong passwords in a row one client may try for one account before waiting. */
  freeAttempts: 5,
  /** The first wait after the free attempts; each further failure doubles it. */
  baseDelayMs: 1_000,
  /** The longest wait between two attempts of one client on one account. */
  maxDelayMs: 15 * 60_000,
  /** A client's failures on an account are forgotten after this long without another. */
  forgetAfterMs: 24 * 60 * 60_000,
  /** Failures one client may have across all accounts within `clientWindowMs` (spraying). */
  clientFailures: 30,
  clientWindowMs: 60 * 60_000,
  /** Failures on one account, from all clients, within `accountWindowMs` that mean an attack. */
  accountUnderAttack: 20,
  accountWindowMs: 60 * 60_000,
} as const;

/** How long a client waits after `failures` wrong passwords in a row on one account. */
export function backoffMs(failures: number): number {
  const { freeAttempts, baseDelayMs, maxDelayMs } = SIGNIN_LIMITS;
  if (failures < freeAttempts) return 0;
  // 2 ** 30 seconds is far past the cap; no need to compute bigger powers.
  return Math.min(baseDelayMs * 2 ** Math.min(failures - freeAttempts, 30), maxDelayMs);
}

export interface AttemptDecision {
  allowed: boolean;
  /** How long to wait before the next attempt; 0 when allowed. */
  retryAfterMs: number;
  /** The moment the attempt was counted; hand it back to `settleAttempt`. */
  startedAt: number;
}

/** How a counted attempt ended: a wrong password, a right one, or no answer (a server error). */
export type AttemptOutcome = "failure" | "success" | "void";

interface PairRecord {
  failures: number;
  lastAt: number;
}

const PAIR_PREFIX = "signin:pair:";
const SPRAY_KEY = "signin:spray";
const ACCOUNT_KEY = "signin:account";
const NO_PAIR: PairRecord = { failures: 0, lastAt: 0 };

type Storage = DurableObjectStorage;

async function readPair(storage: Storage, account: string, now: number): Promise<PairRecord> {
  const pair = await storage.get<PairRecord>(PAIR_PREFIX + account);
  return pair && now - pair.lastAt < SIGNIN_LIMITS.forgetAfterMs ? pair : NO_PAIR;
}

async function readLog(storage: Storage, key: string, now: number, windowMs: number): Promise<number[]> {
  return ((await storage.get<number[]>(key)) ?? []).filter((at) => at > now - windowMs);
}

/** Keeps the records for a day after the last write; the alarm (`forgetStale`) clears them then. */
async function keepForADay(storage: Storage): Promise<void> {
  await storage.setAlarm(Date.now() + SIGNIN_LIMITS.forgetAfterMs);
}

/**
 * On a client object: may this client try a password for `account` now? An allowed attempt is
 * counted as a failure at once; `settleAttempt` corrects that when the password was right.
 */
export async function beginAttempt(storage: Storage, account: string, now: number): Promise<AttemptDecision> {
  const { clientFailures, clientWindowMs } = SIGNIN_LIMITS;
  const pair = await readPair(storage, account, now);
  const spray = await readLog(storage, SPRAY_KEY, now, clientWindowMs);
  const pairOpensAt = pair.lastAt + backoffMs(pair.failures);
  // The log never holds more than the cap: refused attempts are not added.
  const sprayOpensAt = spray.length >= clientFailures ? (spray[0] ?? now) + clientWindowMs : 0;
  const opensAt = Math.max(pairOpensAt, sprayOpensAt);
  if (opensAt > now) return { allowed: false, retryAfterMs: opensAt - now, startedAt: now };
  spray.push(now);
  await storage.put<PairRecord | number[]>({
    [PAIR_PREFIX + account]: { failures: pair.failures + 1, lastAt: now },
    [SPRAY_KEY]: spray,
  });
  await keepForADay(storage);
  return { allowed: true, retryAfterMs: 0, startedAt: now };
}

/**
 * On a client object: the end of an attempt `beginAttempt` allowed at `startedAt`. A wrong
 * password restarts the wait from now (the wait runs from the answer, not the question); when the
 * account is under attack, the client's free attempts on it are used up at once. A right password
 * clears the pair's record; neither it nor an unanswered attempt counts against the client.
 */
export async function settleAttempt(
  storage: Storage,
  account: string,
  outcome: AttemptOutcome,
  startedAt: number,
  underAttack: boolean,
  now: number,
): Promise<void> {
  const pair = await readPair(storage, account, now);
  if (outcome === "failure") {
    const floor = underAttack ? SIGNIN_LIMITS.freeAttempts : 1;
    const failures = Math.max(pair.failures, floor);
    await storage.put<PairRecord>(PAIR_PREFIX + account, { failures, lastAt: Math.max(pair.lastAt, now) });
    return;
  }
  const spray = await readLog(storage, SPRAY_KEY, now, SIGNIN_LIMITS.clientWindowMs);
  const counted = spray.indexOf(startedAt);
  if (counted >= 0) spray.splice(counted, 1);
  await storage.put(SPRAY_KEY, spray);
  if (outcome === "success" || pair.failures <= 1) await storage.delete(PAIR_PREFIX + account);
  else await storage.put<PairRecord>(PAIR_PREFIX + account, { ...pair, failures: pair.failures - 1 });
}

/**
 * On an account object: counts one wrong password for the account, from any client. True when the
 * account has had `accountUnderAttack` of them within the window.
 */
export async function noteAccountFailure(storage: Storage, now: number): Promise<boolean> {
  const { accountUnderAttack, accountWindowMs } = SIGNIN_LIMITS;
  const recent = await readLog(storage, ACCOUNT_KEY, now, accountWindowMs);
  recent.push(now);
  // Only whether the threshold is reached matters: older entries need not be kept.
  const kept = recent.slice(-accountUnderAttack);
  await storage.put(ACCOUNT_KEY, kept);
  await keepForADay(storage);
  return kept.length >= accountUnderAttack;
}

/** The alarm: deletes the records that expired; runs again later if any are left. */
export async function forgetStale(storage: Storage, now: number): Promise<void> {
  const { forgetAfterMs, clientWindowMs, accountWindowMs } = SIGNIN_LIMITS;
  const stale: string[] = [];
  let left = false;
  for (const [key, value] of await storage.list({ prefix: "signin:" })) {
    const expired =
      key === SPRAY_KEY || key === ACCOUNT_KEY
        ? (value as number[]).every((at) => at <= now - Math.max(clientWindowMs, accountWindowMs))
        : now - (value as PairRecord).lastAt >= forgetAfterMs;
    if (expired) stale.push(key);
    else left = true;
  }
  // `delete` takes at most 128 keys at a time.
  for (let i = 0; i < stale.length; i += 128) await storage.delete(stale.slice(i, i + 128));
  if (left) await keepForADay(storage);
}
