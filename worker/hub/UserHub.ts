/**
 * UserHub: one Durable Object per person, which every device of theirs keeps a socket to. The
 * worker and the conversation rooms call `conversationChanged` / `conversationDeleted` when
 * something in the person's history changes, and the hub pushes it to every device within the
 * same moment; nothing polls. On (re)connect a device gets `hello` and refetches its list, which
 * is how an offline laptop catches up. With hibernation, an idle hub costs nothing.
 *
 * The hub is also where a person's sessions end on every socket (worker/auth/sessions.ts): it
 * keeps, in its own SQLite, the rooms the person joined and the sessions that ended, closes its
 * own sockets of an ended session and tells those rooms to close theirs. A ban closes every
 * socket of the person the same way (worker/auth/bans.ts).
 * A person may hold only so many hub sockets at once (worker/limits/sockets.ts).
 */
import { Server, getServerByName, type Connection, type ConnectionContext } from "partyserver";
import { CLOSE_CODES } from "#protocol/frames";
import { encodeHubFrame, type HubFrame } from "#protocol/hub";
import type { ConversationSummary } from "#protocol/http";
import { BAN_CATCH_MS } from "../auth/bans";
import { getConfig } from "../env";
import { countOf, hubSocketRefusal, turnAway } from "../limits/sockets";
import { logError } from "../observability/log";
import type { ConversationRoom } from "../room/ConversationRoom";
import { readSessionHeader } from "../room/identity";

interface HubConnectionState {
  session: string;
}

/** A room not joined for this long is forgotten: no session of that time is still open. */
const ROOM_MEMORY_MS = 31 * 24 * 60 * 60 * 1000;
/** Rooms told at once when sessions end. */
const PARALLEL = 16;
const BANNED_AT = "banned_at";

export type RoomAdmission = "ok" | "signed_out" | "banned";

/** Closes a socket of a banned person, said in a frame first (some proxies deliver closes late). */
function banOut(connection: Connection): void {
  connection.send(encodeHubFrame({ type: "banned" }));
  connection.close(CLOSE_CODES.banned, "Banned");
}

export class UserHub extends Server<Env> {
  static override options = { hibernate: true };

  override onStart(): void {
    this.ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS joined_rooms (room TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
       CREATE TABLE IF NOT EXISTS ended_sessions (session TEXT PRIMARY KEY, ended_at INTEGER NOT NULL);`,
    );
  }

  override onConnect(connection: Connection<HubConnectionState>, ctx: ConnectionContext): void {
    // Every socket here is the person's; the count is of the open ones, this one included.
    const open = countOf(this.getConnections());
    if (turnAway(connection, hubSocketRefusal(getConfig(this.env), this.name, open))) return;
    if (this.recentlyBanned()) return banOut(connection);
    const session = readSessionHeader(ctx.request.headers);
    if (!session || this.hasEnded(session)) {
      connection.send(encodeHubFrame({ type: "signed_out" }));
      connection.close(CLOSE_CODES.signedOut, "Signed out");
      return;
    }
    connection.setState({ session });
    connection.send(encodeHubFrame({ type: "hello" }));
  }

  override onMessage(connection: Connection, raw: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof raw === "string" && raw.includes('"ping"')) connection.send(encodeHubFrame({ type: "pong" }));
  }

  /** A conversation was created or changed: every device upserts it in its sidebar. */
  conversationChanged(conversation: ConversationSummary): void {
    // Also a room to tell when the person is banned: an answer of theirs may run there without
    // any socket of theirs (an API call, a stream over HTTP).
    this.rememberRoom(conversation.id);
    this.push({ type: "conversation", conversation });
  }

  conversationDeleted(id: string): void {
    this.push({ type: "conversation_deleted", id });
  }

  /** The person's plan or its limits changed: every device reads its billing state again. */
  planChanged(): void {
    this.push({ type: "plan" });
  }

  /**
   * A room let one of this person's sockets in: remember the room, and answer whether that
   * socket may stay (otherwise the room closes it as signed out or banned).
   */
  joinedRoom(room: string, session: string): RoomAdmission {
    this.rememberRoom(room);
    if (this.recentlyBanned()) return "banned";
    return this.hasEnded(session) ? "signed_out" : "ok";
  }

  /**
   * The person was banned: every socket of theirs closes, here and in every room they joined,
   * and an answer of theirs still being written stops. Remembered for `BAN_CATCH_MS`.
   */
  async ban(): Promise<void> {
    this.ctx.storage.kv.put(BANNED_AT, Date.now());
    for (const connection of this.getConnections()) banOut(connection);
    await this.tellRooms((room) => room.ban(this.name));
  }

  /** The ban was lifted: a socket opened from now on stays. */
  unbanned(): void {
    this.ctx.storage.kv.delete(BANNED_AT);
  }

  /** Sessions ended: close their sockets here and in every room this person joined. */
  async endSessions(sessions: string[]): Promise<void> {
    const now = Date.now();
    for (const session of sessions) {
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO ended_sessions (session, ended_at) VALUES (?, ?)",
        session,
        now,
      );
    }
    for (const connection of this.getConnections<HubConnectionState>()) {
      if (!sessions.includes(connection.state?.session ?? "")) continue;
      // Said in a frame first: some proxies deliver the close itself late.
      connection.send(encodeHubFrame({ type: "signed_out" }));
      connection.close(CLOSE_CODES.signedOut, "Signed out");
    }
    // Past that age the worker refuses those sessions' tokens by itself.
    this.ctx.storage.sql.exec("DELETE FROM ended_sessions WHERE ended_at < ?", now - ROOM_MEMORY_MS);
    await this.tellRooms((room) => room.endSessions(this.name, sessions));
  }

  /** Calls `call` on every room this person joined lately, a few at a time. */
  private async tellRooms(call: (room: DurableObjectStub<ConversationRoom>) => Promise<unknown>) {
    this.ctx.storage.sql.exec("DELETE FROM joined_rooms WHERE seen_at < ?", Date.now() - ROOM_MEMORY_MS);
    const rooms = this.ctx.storage.sql
      .exec<{ room: string }>("SELECT room FROM joined_rooms")
      .toArray()
      .map((row) => row.room);
    for (let i = 0; i < rooms.length; i += PARALLEL) {
      const told = await Promise.allSettled(
        rooms
          .slice(i, i + PARALLEL)
          .map(async (name) => call(await getServerByName(this.env.ConversationRoom, name))),
      );
      for (const result of told) {
        if (result.status === "rejected") logError("room_tell_failed", { cause: result.reason });
      }
    }
  }

  private rememberRoom(room: string): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO joined_rooms (room, seen_at) VALUES (?, ?) ON CONFLICT (room) DO UPDATE SET seen_at = excluded.seen_at",
      room,
      Date.now(),
    );
  }

  private recentlyBanned(): boolean {
    const at = this.ctx.storage.kv.get<number>(BANNED_AT);
    return at !== undefined && Date.now() - at < BAN_CATCH_MS;
  }

  private hasEnded(session: string): boolean {
    return (
      this.ctx.storage.sql.exec("SELECT 1 FROM ended_sessions WHERE session = ? LIMIT 1", session).toArray()
        .length > 0
    );
  }

  private push(frame: HubFrame): void {
    this.broadcast(encodeHubFrame(frame));
  }
}
