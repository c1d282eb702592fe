/**
 * ConversationRoom: one Durable Object per conversation. It owns the live state of that
 * conversation (the devices and people connected, the one answer being written, the branch
 * everyone sees) and is the only writer of its messages. This file is the object's lifecycle,
 * the dispatch of socket frames and HTTP requests, and the calls the worker makes; presence,
 * snapshots, storage, the outbox to D1 and the turn pipeline (./turn/) live beside it.
 * docs/architecture.md, docs/protocol.md and docs/sharing.md describe the behaviour.
 */
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { can } from "../auth/policy";
import { getConfig } from "../env";
import { AppError } from "../errors";
import { countOf, roomSocketRefusal, roomSocketTags, turnAway } from "../limits/sockets";
import { logError } from "../observability/log";
import { CLOSE_CODES, encodeFrame, parseClientFrame, type ClientFrame, type Person } from "#protocol/frames";
import { LiveCheckpoint } from "./checkpoint";
import { readIdentityHeaders } from "./identity";
import { Outbox } from "./outbox";
import { Audience, personIdFor, type ConnectionState } from "./presence";
import { purgeIfDue, schedulePurge } from "./purge";
import { holdsCurrentState, joinPointFrom, resumeFrame, resumedFrame, snapshotFrame } from "./snapshot";
import {
  answerNow,
  deleteAnswer,
  followAnswer,
  stopAnswer,
  type AnswerRow,
  type DeleteOutcome,
} from "./api-answers";
import { answerApiTurn } from "./api-request";
import { answerStreamRequest } from "./sse-request";
import { reshape } from "./reshape";
import { banOut, RoomSessions, signOut } from "./sessions";
import { GUEST_SESSION } from "../auth/sessions";
import { recoverInterrupted, RoomStore } from "./store";
import { KEEPALIVE_MS, TurnRunner, type TurnHost } from "./turn/runner";
import { AdmissionCache } from "./turn/facts";
import { planFromFrame, type TurnFrame } from "./turn/plan";

export class ConversationRoom extends Server<Env> {
  static override options = { hibernate: true };

  private checkpoint!: LiveCheckpoint;
  /** The room's copy of its conversation and its outbox to D1 (tests reach the outbox here). */
  store!: RoomStore;
  private turns!: TurnRunner;
  private facts!: AdmissionCache;
  private readonly audience = new Audience(() => this.getConnections<ConnectionState>());
  private sessions!: RoomSessions;

  override async onStart(): Promise<void> {
    this.checkpoint = new LiveCheckpoint(this.ctx.storage);
    const outbox = new Outbox(this.ctx.storage, this.env.DB, this.name, (at) => this.wakeBy(at));
    this.store = new RoomStore(outbox, this.name);
    this.facts = new AdmissionCache(this.env, this.name);
    this.sessions = new RoomSessions(this.env, this.name, () => this.getConnections<ConnectionState>());
    const host: TurnHost = {
      name: this.name,
      env: this.env,
      ctx: this.ctx,
      store: this.store,
      checkpoint: this.checkpoint,
      audience: this.audience,
      facts: this.facts,
      wakeBy: (at) => this.wakeBy(at),
    };
    this.turns = new TurnRunner(host);
    if (outbox.size > 0) this.ctx.waitUntil(outbox.flush());
    await recoverInterrupted(this.store, this.checkpoint);
  }

  /** Makes sure the alarm fires by `at`. */
  private wakeBy(at: number): void {
    void this.ctx.storage.getAlarm().then((pending) => {
      if (pending === null || pending > at) return this.ctx.storage.setAlarm(at);
    });
  }

  /** One alarm for three jobs: keeping an answer alive, retrying the outbox, purging files. */
  override async onAlarm(): Promise<void> {
    let next = this.turns.current ? Date.now() + KEEPALIVE_MS : Infinity;
    if (this.store.outbox.size > 0 && !(await this.store.outbox.flush()))
      next = Math.min(next, Date.now() + 30_000);
    next = Math.min(next, await purgeIfDue(this.env, this.ctx.storage, this.name));
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
  }

  // -------------------------------------------------------------------------------------------
  // Sockets
  // -------------------------------------------------------------------------------------------

  /** Each socket is tagged with its person (and a guest's address), to count them for the caps. */
  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    const identity = readIdentityHeaders(ctx.request.headers);
    return identity ? roomSocketTags(identity) : [];
  }

  override async onConnect(connection: Connection<ConnectionState>, ctx: ConnectionContext): Promise<void> {
    const identity = readIdentityHeaders(ctx.request.headers);
    if (!identity) {
      connection.close(CLOSE_CODES.notSignedIn, "Not signed in");
      return;
    }
    if (!this.sessions.admits(identity)) return signOut(connection);
    if (this.sessions.banned(identity.userId)) return banOut(connection);
    // Counted before any await, this socket included: two opening at once cannot both take the last place.
    const open = (tag: string) => countOf(this.getConnections(tag));
    if (turnAway(connection, roomSocketRefusal(getConfig(this.env), identity, open))) return;
    const personId = await personIdFor(this.name, identity.userId);
    connection.setState({ ...identity, personId, ready: false, typingUntil: 0 });
    const from = joinPointFrom(new URL(ctx.request.url).searchParams);
    try {
      // A device that holds the current version needs only live text: no copy of the
      // conversation, so no read. Otherwise the snapshot is built after the read.
      const state = holdsCurrentState(from, this.audience.version, this.turns.generation)
        ? null
        : await this.store.read();
      // Joined, built and sent in one go after the last await: the frame holds everything
      // published so far, and every later frame reaches this device. Text the coalescer still
      // holds goes to the devices already here first: this one gets it in its frame, and a delta
      // sent to it before that frame would look like a gap.
      this.turns.generation?.flush();
      connection.setState({ ...identity, personId, ready: true, typingUntil: 0 });
      this.audience.join(connection);
      const self = { id: personId, role: identity.role };
      const frame = state
        ? snapshotFrame({
            conversationId: this.name,
            state,
            generation: this.turns.generation,
            from,
            self,
            viewers: this.audience.viewerCount(),
            people: this.audience.people(),
            version: this.audience.version,
          })
        : resumedFrame(this.turns.generation, from, self);
      connection.send(encodeFrame(frame));
      this.audience.publishPresence();
      this.ctx.waitUntil(this.sessions.joined(connection, identity));
    } catch (cause) {
      logError("snapshot_failed", { room: this.name, cause });
      connection.close(1011, "Could not load the conversation");
    }
  }

  override async onMessage(connection: Connection<ConnectionState>, raw: WSMessage): Promise<void> {
    const frame = typeof raw === "string" ? parseClientFrame(raw) : null;
    const state = connection.state;
    if (!frame || !state) {
      this.refuse(
        connection,
        new AppError(400, "invalid_frame", "That message is not part of the Parley protocol."),
      );
      return;
    }
    try {
      await this.dispatch(connection, state, frame);
    } catch (cause) {
      this.refuse(connection, cause);
    }
  }

  private async dispatch(
    connection: Connection<ConnectionState>,
    state: ConnectionState,
    frame: ClientFrame,
  ) {
    const forbidden = (message: string) => new AppError(403, "forbidden", message);
    switch (frame.type) {
      case "send":
      case "edit":
      case "regenerate":
      case "continue":
        if (!can(state.role, "write"))
          throw forbidden("You can watch this conversation but not write in it.");
        return this.startFromSocket(connection, state, frame);
      case "delete_message":
      case "switch_branch":
        if (!can(state.role, "write")) throw forbidden("You can watch this conversation but not change it.");
        return this.turns.exclusive(() => reshape(this.store, this.audience, this.name, frame));
      case "stop":
        if (!can(state.role, "stop")) throw forbidden("Only participants can stop an answer.");
        return this.turns.stop(frame.messageId);
      case "typing":
        if (can(state.role, "write")) this.audience.setTyping(connection, state, frame.active);
        return;
      case "resume": {
        const from = {
          messageId: frame.messageId,
          offset: frame.offset,
          reasoningOffset: frame.reasoningOffset ?? 0,
        };
        const reply = resumeFrame(this.turns.generation, await this.store.read(), from);
        if (reply) connection.send(encodeFrame(reply));
        return;
      }
      case "ping":
        connection.send(encodeFrame({ type: "pong" }));
        return;
    }
  }

  private async startFromSocket(
    connection: Connection<ConnectionState>,
    state: ConnectionState,
    frame: TurnFrame,
  ) {
    if (state.typingUntil > 0) this.audience.setTyping(connection, state, false);
    const clientId = frame.type === "send" || frame.type === "edit" ? frame.clientId : undefined;
    await this.turns.start({
      plan: planFromFrame(frame),
      subject: state,
      ...(clientId !== undefined ? { clientId } : {}),
      onAdmitted: ({ limit, remaining, resetAt }) =>
        connection.send(encodeFrame({ type: "rate_limit", limit, remaining, resetAt })),
    });
  }

  /** Turns a refusal into an `error` frame for the device that asked. */
  private refuse(connection: Connection, cause: unknown): void {
    const failure = AppError.from(cause);
    if (!failure.expose) logError("turn_failed", { room: this.name, cause });
    connection.send(encodeFrame(failure.toFrame()));
  }

  override onClose(connection: Connection<ConnectionState>): void {
    this.audience.leave(connection);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP: POST /stream from the worker's /api/v1/chat/stream
  // -------------------------------------------------------------------------------------------

  override onRequest(request: Request): Promise<Response> {
    if (request.method === "POST" && new URL(request.url).pathname.endsWith("/api-turn")) {
      return answerApiTurn(request, this.name, this.audience, this.turns);
    }
    return answerStreamRequest(request, this.name, this.audience, this.turns);
  }

  // -------------------------------------------------------------------------------------------
  // Calls from the worker (Durable Object RPC)
  // -------------------------------------------------------------------------------------------

  /** The conversation row changed over HTTP (rename, system prompt, pin, restore). */
  conversationChanged(title?: string): void {
    this.store.invalidate();
    if (title !== undefined) this.audience.publish({ type: "title", title });
  }

  /**
   * Sessions of `userId` ended (signed out, or a guest that became an account): their sockets
   * close. A guest's chats may have moved to an account, so the copy is read again.
   */
  endSessions(userId: string, keys: string[]): void {
    this.sessions.end(userId, keys);
    if (keys.includes(GUEST_SESSION)) this.store.invalidate();
  }

  /**
   * An admin banned `userId`: an answer they started here stops (as Stop from a device would),
   * and every socket of theirs closes. Returns how many sockets closed.
   */
  ban(userId: string): number {
    if (this.turns.current?.subject.userId === userId) this.turns.stop();
    return this.sessions.ban(userId);
  }

  /**
   * What this room keeps for admission changed: one person's keys, limits or usage, or (without
   * a person) the catalogue or everyone's limits (worker/room/caches.ts).
   */
  dropCaches(userId?: string): void {
    this.facts.drop(userId);
  }

  /**
   * The conversation was deleted: stop its answer, close every connection, and schedule its
   * files for removal once the undo window has passed.
   */
  async closeForDeletion(): Promise<void> {
    this.wakeBy(await schedulePurge(this.ctx.storage));
    this.store.invalidate();
    this.turns.stop();
    this.audience.publish({ type: "deleted" });
    for (const connection of this.getConnections())
      connection.close(CLOSE_CODES.deleted, "Conversation deleted");
  }

  /**
   * A share link was revoked or rotated (`revoked`), or its mode changed: everyone who came in
   * through it is disconnected at once. After a mode change they may reconnect with their new role.
   */
  shareChanged(token: string, revoked: boolean): number {
    return this.audience.closeShare(token, revoked);
  }

  /** Resolves once every write so far is in D1 (false: D1 refused, the outbox retries later). */
  storedInD1(): Promise<boolean> {
    return this.store.outbox.flush();
  }

  /** One answer as it stands now, text so far included (the Responses API's `retrieve`). */
  answer(messageId: string): Promise<AnswerRow | null> {
    return answerNow(this.answerRoom, messageId);
  }

  /** One answer's events from its start, then live until its end (resuming a Responses stream). */
  followAnswer(messageId: string): Promise<ReadableStream<Uint8Array> | null> {
    return followAnswer(this.answerRoom, messageId);
  }

  /** Stop for one answer, as a device's Stop; resolves with the final answer (Responses' cancel). */
  stopAnswer(messageId: string): Promise<AnswerRow | null> {
    return stopAnswer(this.answerRoom, messageId);
  }

  /** Deletes one answer, as a device's "delete message" (Responses' `DELETE`). */
  deleteAnswer(messageId: string): Promise<DeleteOutcome> {
    return deleteAnswer(this.answerRoom, messageId);
  }

  private get answerRoom() {
    return { store: this.store, audience: this.audience, turns: this.turns, name: this.name };
  }

  /** How many people and devices are here now (for the owner's share dialog over HTTP). */
  presence(): { viewers: number; people: Person[] } {
    return { viewers: this.audience.viewerCount(), people: this.audience.people() };
  }
}
