/**
 * Caps on open WebSockets (docs/security.md, "Abuse and cost"). Every socket on a room costs a send
 * per broadcast frame — each delta of an answer — so one person may hold only so many on one
 * conversation, and guests, who can mint identities at will, only so many per address. A person's
 * hub has its own cap. The counts come from the sockets the runtime holds (the hibernation API),
 * never from memory that a wake from hibernation would have lost.
 *
 * The socket over a cap is accepted and closed at once with `CLOSE_CODES.tooManySockets`: a
 * refused upgrade reaches a browser only as 1006, with no reason it could show.
 */
import type { Connection } from "partyserver";
import { CLOSE_CODES } from "#protocol/close-codes";
import type { Config } from "../env";
import { hashUserId, logEvent } from "../observability/log";

export interface SocketOwner {
  userId: string;
  kind: "guest" | "user";
  /** The client's address: guests are counted per address too. */
  ip: string;
}

/** Tags are at most 256 characters (partyserver); ids and addresses are far shorter. */
const tag = (value: string) => value.slice(0, 256);

export const userSocketTag = (userId: string) => tag(`user:${userId}`);
export const guestAddressTag = (ip: string) => tag(`guest-ip:${ip}`);

/** The tags a room socket carries, so the sockets of one person or address are found by tag. */
export function roomSocketTags(owner: SocketOwner): string[] {
  const tags = [userSocketTag(owner.userId)];
  if (owner.kind === "guest") tags.push(guestAddressTag(owner.ip));
  return tags;
}

/** `open` sockets, the newest included, are more than `cap` allows (0: no cap). */
export function overCap(open: number, cap: number): boolean {
  return cap > 0 && open > cap;
}

/** How many of `connections` there are (they are open: partyserver lists only open sockets). */
export function countOf(connections: Iterable<unknown>): number {
  let count = 0;
  for (const _ of connections) count++;
  return count;
}

/**
 * Why the socket `owner` just opened on a room is one too many, or null if it may stay.
 * `openWith(tag)` counts the room's open sockets with that tag, the new one included.
 */
export function roomSocketRefusal(
  config: Config,
  owner: SocketOwner,
  openWith: (tag: string) => number,
): string | null {
  if (overCap(openWith(userSocketTag(owner.userId)), config.ROOM_SOCKETS_PER_USER)) {
    noteRefusal("room", "user", owner.userId);
    return "Too many open connections to this conversation";
  }
  if (
    owner.kind === "guest" &&
    overCap(openWith(guestAddressTag(owner.ip)), config.ROOM_SOCKETS_PER_GUEST_IP)
  ) {
    noteRefusal("room", "guest_ip", owner.userId);
    return "Too many guest connections from this network to this conversation";
  }
  return null;
}

/** Why the socket a person just opened on their hub is one too many, or null. */
export function hubSocketRefusal(config: Config, userId: string, open: number): string | null {
  if (!overCap(open, config.HUB_SOCKETS_PER_USER)) return null;
  noteRefusal("hub", "user", userId);
  return "Too many open connections for this account";
}

/** Closes `connection` with 4429 and `reason`, if there is one; says whether it did. */
export function turnAway(connection: Connection, reason: string | null): boolean {
  if (reason === null) return false;
  connection.close(CLOSE_CODES.tooManySockets, reason);
  return true;
}

function noteRefusal(where: "room" | "hub", cap: "user" | "guest_ip", userId: string): void {
  logEvent("socket_refused", { where, cap, userHash: hashUserId(userId) }, "warn");
}
