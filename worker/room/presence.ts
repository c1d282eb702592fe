/**
 * Who is in a room and how frames reach them: the devices that have their snapshot (live frames
 * skip a device until then), the people behind them with their roles and typing state, and the
 * API streams listening to the same frames. Every broadcast passes `publish`, so the room version
 * (docs/protocol.md#reconnecting) is counted there.
 */
import type { Connection } from "partyserver";
import {
  changesRoomState,
  CLOSE_CODES,
  encodeFrame,
  roomVersion,
  type Person,
  type ServerFrame,
} from "#protocol/frames";
import type { RoomIdentity } from "./identity";

/** Someone counts as typing this long after their last `typing` frame. */
const TYPING_MS = 6_000;

export interface ConnectionState extends RoomIdentity {
  /** Opaque presence id: the same for all devices of a person, unrelated to their user id. */
  personId: string;
  /** False until the snapshot was sent; live frames skip the connection until then. */
  ready: boolean;
  typingUntil: number;
}

export type ReadyConnection = Connection<ConnectionState> & { state: ConnectionState };

export class Audience {
  /** Devices with their snapshot, by connection id (see `ready`). */
  private readyById: Map<string, Connection<ConnectionState>> | null = null;
  private readonly listeners = new Set<(frame: ServerFrame) => void>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Random per instance: a room that restarted (deploy, eviction, wake from hibernation) has
   * lost its count, and must not match a version a device got from the one before.
   */
  private readonly boot = randomBoot();
  private counted = 0;

  /** `all` lists every socket of the room (the hibernation API), used once after a wake. */
  constructor(private readonly all: () => Iterable<Connection<ConnectionState>>) {}

  /**
   * The devices that have their snapshot. Kept in memory while this instance lives, because
   * every delta goes to each of them: asking the hibernation API per frame would decode every
   * socket's attachment again. After a wake from hibernation the set is rebuilt from it once.
   */
  ready(): ReadyConnection[] {
    const devices = this.readyById ?? this.rebuild();
    const open: ReadyConnection[] = [];
    for (const [id, connection] of devices) {
      if (connection.readyState !== WebSocket.READY_STATE_OPEN) devices.delete(id);
      else open.push(connection as ReadyConnection);
    }
    return open;
  }

  /** After a wake from hibernation: the devices that had their snapshot, from their sockets. */
  private rebuild(): Map<string, Connection<ConnectionState>> {
    const devices = new Map<string, Connection<ConnectionState>>();
    for (const connection of this.all()) {
      if (connection.state?.ready) devices.set(connection.id, connection);
    }
    this.readyById = devices;
    return devices;
  }

  /** How many devices receive live frames (for the frame spacing). */
  get size(): number {
    return this.readyById?.size ?? 0;
  }

  /** A device got its snapshot: every later frame reaches it. */
  join(connection: Connection<ConnectionState>): void {
    (this.readyById ?? this.rebuild()).set(connection.id, connection);
  }

  /** A socket closed; presence changes only if it was a device with its snapshot. */
  leave(connection: Connection<ConnectionState>): void {
    this.readyById?.delete(connection.id);
    // A socket refused at the door (over a cap, no identity) was never shown to anyone.
    if (connection.state?.ready) this.publishPresence();
  }

  /** Adds a listener for every published frame; returns the function that removes it. */
  subscribe(listener: (frame: ServerFrame) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The room version: which run of the room, and how many state-changing frames it published. */
  get version(): string {
    return roomVersion(this.boot, this.counted);
  }

  /** Sends a frame to every device that has its snapshot, and to every API stream listening. */
  publish(frame: ServerFrame): void {
    if (changesRoomState(frame)) this.counted++;
    const data = encodeFrame(frame);
    // The hot loop of every delta: one send per device, no list built per frame.
    const devices = this.readyById ?? this.rebuild();
    for (const [id, connection] of devices) {
      if (connection.readyState === WebSocket.READY_STATE_OPEN) connection.send(data);
      else devices.delete(id);
    }
    for (const listener of this.listeners) listener(frame);
  }

  viewerCount(): number {
    return this.ready().length;
  }

  /** Everyone here, one entry per person with their devices folded together. */
  people(now = Date.now()): Person[] {
    const byPerson = new Map<string, Person>();
    for (const { state } of this.ready()) {
      const person = byPerson.get(state.personId);
      const typing = state.typingUntil > now;
      if (person) {
        person.devices++;
        person.typing ||= typing;
        // The strongest role any of their devices holds.
        if (state.role === "owner" || (state.role === "editor" && person.role === "viewer"))
          person.role = state.role;
      } else {
        byPerson.set(state.personId, {
          id: state.personId,
          name: state.name,
          kind: state.kind,
          role: state.role,
          devices: 1,
          typing,
        });
      }
    }
    return [...byPerson.values()];
  }

  publishPresence(): void {
    this.publish({ type: "presence", viewers: this.viewerCount(), people: this.people() });
  }

  /**
   * A share link was revoked or rotated (`revoked`), or its mode changed: everyone who came in
   * through it is disconnected at once; returns how many. After a mode change they may come
   * back with their new role.
   */
  closeShare(token: string, revoked: boolean): number {
    let closed = 0;
    for (const connection of this.all()) {
      if (connection.state?.share !== token || connection.state.role === "owner") continue;
      // Said in a frame first: some proxies deliver the close itself late.
      const code = revoked ? "access_revoked" : "access_changed";
      const message = revoked ? "This share link is no longer active." : "The share link's mode changed.";
      connection.send(encodeFrame({ type: "error", code, message, retryable: !revoked }));
      connection.close(
        revoked ? CLOSE_CODES.accessRevoked : CLOSE_CODES.accessChanged,
        revoked ? "This share link is no longer active" : "Share settings changed",
      );
      closed++;
    }
    if (closed > 0) this.publishPresence();
    return closed;
  }

  setTyping(connection: Connection<ConnectionState>, state: ConnectionState, active: boolean): void {
    const now = Date.now();
    const wasTyping = state.typingUntil > now;
    connection.setState({ ...state, typingUntil: active ? now + TYPING_MS : 0 });
    if (wasTyping !== active) this.publishPresence();
    if (active) {
      // Tell everyone when it lapses; if this instance hibernates first, clients expire it too.
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => this.publishPresence(), TYPING_MS + 50);
    }
  }
}

function randomBoot(): string {
  return [...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A stable, opaque presence id per person and room (so ids cannot be matched across rooms). */
export async function personIdFor(room: string, userId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${room}:${userId}`));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
