/**
 * A ban takes effect at once. The D1 mark (`users.banned_at`) makes every later request answer
 * 403 `banned` (worker/http/session-middleware.ts) and refuses the person's API tokens
 * (worker/compat/tokens.ts); the person's UserHub then closes the sockets already open: its own
 * and, in every room the person joined, theirs, stopping an answer of theirs still being written.
 * Lifting the ban needs no socket work: the next connection is let in.
 */
import { getServerByName } from "partyserver";
import { logError } from "../observability/log";

/**
 * How long the hub and the rooms remember a ban: long enough to catch a socket the worker let in
 * just before the ban was written (it reaches its room or hub within moments); after that the
 * worker refuses the person by itself.
 */
export const BAN_CATCH_MS = 60_000;

export const BANNED_MESSAGE = "This account has been suspended by the operator of this Parley.";

/** After the ban is in D1: closes every open socket of `userId` with `CLOSE_CODES.banned`. */
export async function closeBannedSockets(env: Env, userId: string): Promise<void> {
  try {
    const hub = await getServerByName(env.UserHub, userId);
    await hub.ban();
  } catch (cause) {
    // The D1 mark already stands: every later request and socket is refused.
    logError("ban_sockets_close_failed", { cause });
  }
}

/** After the ban is lifted in D1: the hub forgets it, so a socket opened now is not caught. */
export async function forgetBan(env: Env, userId: string): Promise<void> {
  try {
    const hub = await getServerByName(env.UserHub, userId);
    await hub.unbanned();
  } catch (cause) {
    // The hub forgets a ban by itself soon after (BAN_CATCH_MS).
    logError("ban_forget_failed", { cause });
  }
}
