/**
 * WebSocket close codes of Parley's sockets (docs/protocol.md#close-codes), shared by the worker
 * and the web app. A client must not reconnect after 4403, 4404, 4423 or 4429, nor with the same cookie
 * after 4410.
 */
export const CLOSE_CODES = {
  notSignedIn: 4401,
  /** The share link was revoked or rotated. */
  accessRevoked: 4403,
  deleted: 4404,
  /** The share link's mode changed: reconnect to get the new role. */
  accessChanged: 4409,
  /** The session this socket was opened in ended (sign-out, sign-up, password change). */
  signedOut: 4410,
  /** The person was banned by an admin: every socket of theirs closes, and none may come back. */
  banned: 4423,
  /**
   * A room or hub socket over the cap of open sockets per person (or per guest address): the
   * newest one is accepted and closed at once with this code, so browsers can see it.
   */
  tooManySockets: 4429,
} as const;
