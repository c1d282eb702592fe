/**
 * How a room socket's closes are met (the codes: worker/protocol/close-codes.ts). Some closes are
 * announced by an error frame first, because proxies can deliver the close itself seconds late;
 * the room client acts on whichever comes first.
 */
import { CLOSE_CODES } from "#protocol/close-codes";

/** Error frames a room sends just before it closes the socket, and the close they announce. */
export const CLOSING_ERRORS: ReadonlyMap<string, number> = new Map([
  ["access_revoked", CLOSE_CODES.accessRevoked],
  ["access_changed", CLOSE_CODES.accessChanged],
  ["signed_out", CLOSE_CODES.signedOut],
  ["banned", CLOSE_CODES.banned],
]);

/**
 * Closes after which the socket does not come back by itself: a revoked link, a deleted chat, too
 * many sockets (never again), a changed link mode (at once), an ended session (as whoever this
 * browser is now) and a ban (never); the room client's `onClose` decides.
 */
const HANDLED = new Set<number>([
  CLOSE_CODES.accessRevoked,
  CLOSE_CODES.deleted,
  CLOSE_CODES.accessChanged,
  CLOSE_CODES.signedOut,
  CLOSE_CODES.banned,
  CLOSE_CODES.tooManySockets,
]);

export function reconnectsByItself(event: CloseEvent): boolean {
  return !HANDLED.has(event.code);
}
