/**
 * Sockets end with the session they were opened in (worker/auth/sessions.ts). Each person's
 * UserHub keeps the list of rooms they joined; signing out makes the hub call `end` on each of
 * those rooms, which closes that person's sockets of the ended sessions with
 * `CLOSE_CODES.signedOut`.
 *
 * A socket whose session ended while it was being let in (the worker checked the session just
 * before the sign-out) is caught twice: the room remembers what it was told to end, and the hub
 * answers the room's registration with whether the session still stands.
 *
 * A ban (worker/auth/bans.ts) takes the same path: the hub tells every room the person joined,
 * which closes all their sockets with `CLOSE_CODES.banned`, and catches late joiners the same
 * two ways for a while after.
 */
import { getServerByName, type Connection } from "partyserver";
import { CLOSE_CODES, encodeFrame } from "#protocol/frames";
import { BAN_CATCH_MS, BANNED_MESSAGE } from "../auth/bans";
import { logError } from "../observability/log";
import type { RoomIdentity } from "./identity";
import type { ConnectionState } from "./presence";

const key = (userId: string, session: string) => `${userId}\n${session}`;

/** Closes a socket whose session ended, said in a frame first (some proxies deliver closes late). */
export function signOut(connection: Connection): void {
  const message = "You were signed out.";
  connection.send(encodeFrame({ type: "error", code: "signed_out", message, retryable: false }));
  connection.close(CLOSE_CODES.signedOut, "Signed out");
}

/** Closes a banned person's socket, said in a frame first. */
export function banOut(connection: Connection): void {
  connection.send(encodeFrame({ type: "error", code: "banned", message: BANNED_MESSAGE, retryable: false }));
  connection.close(CLOSE_CODES.banned, "Banned");
}

export class RoomSessions {
  /** Sessions whose hub knows this room, since this instance started. */
  private readonly registered = new Set<string>();
  /** Sessions this room was told have ended (user id + session key). */
  private readonly ended = new Set<string>();
  /** People this room was told were banned, and when. */
  private readonly bans = new Map<string, number>();

  constructor(
    private readonly env: Env,
    private readonly room: string,
    private readonly connections: () => Iterable<Connection<ConnectionState>>,
  ) {}

  /** False for a socket of a session this room already knows has ended. */
  admits(identity: Pick<RoomIdentity, "userId" | "session">): boolean {
    return !this.ended.has(key(identity.userId, identity.session));
  }

  /** True for a person banned moments ago (a socket let in by the worker just before the ban). */
  banned(userId: string): boolean {
    const at = this.bans.get(userId);
    return at !== undefined && Date.now() - at < BAN_CATCH_MS;
  }

  /**
   * After a socket joined: tells the person's hub about this room (once per session while this
   * instance lives) and closes the socket if the hub says its session has ended.
   */
  async joined(connection: Connection<ConnectionState>, identity: RoomIdentity): Promise<void> {
    // Banned while this socket was being let in (its state was not set yet when the ban came).
    if (this.banned(identity.userId)) return banOut(connection);
    const marker = key(identity.userId, identity.session);
    if (this.registered.has(marker)) return;
    this.registered.add(marker);
    try {
      const hub = await getServerByName(this.env.UserHub, identity.userId);
      const admission = await hub.joinedRoom(this.room, identity.session);
      if (admission === "banned") {
        this.bans.set(identity.userId, Date.now());
        banOut(connection);
      } else if (admission === "signed_out") {
        this.end(identity.userId, [identity.session]);
        signOut(connection);
      }
    } catch (cause) {
      this.registered.delete(marker);
      logError("room_hub_register_failed", { room: this.room, cause });
    }
  }

  /** Closes every socket of `userId`, who was banned; returns how many. */
  ban(userId: string): number {
    this.bans.set(userId, Date.now());
    let closed = 0;
    for (const connection of this.connections()) {
      if (connection.state?.userId !== userId) continue;
      banOut(connection);
      closed++;
    }
    return closed;
  }

  /** Closes `userId`'s sockets of the sessions `keys`; returns how many. */
  end(userId: string, keys: readonly string[]): number {
    for (const session of keys) this.ended.add(key(userId, session));
    let closed = 0;
    for (const connection of this.connections()) {
      const state = connection.state;
      if (state?.userId !== userId || !keys.includes(state.session)) continue;
      signOut(connection);
      closed++;
    }
    return closed;
  }
}
