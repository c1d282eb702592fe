/**
 * ConversationRoom: one Durable Object per conversation. It owns the live state of that
 * conversation (the devices and people connected, the one generation in flight, the branch
 * everyone sees) and is the only writer of its messages. The provider stream, coalescing,
 * checkpoints, branch arithmetic and the wire format live in their own modules.
 * docs/architecture.md, docs/protocol.md and docs/sharing.md describe the behaviour.
 */
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { getServerByName } from "partyserver";
import { z } from "zod";
import { getConfig } from "../env";
import {
  conversationQuery,
  database,
  finalizeMessage,
  findConversation,
  insertTurn,
  interruptStaleMessages,
  listMessages,
  messagesQuery,
  setActiveLeaf,
  setTitleIfUntitled,
  softDeleteMessage,
  toChatMessage,
  toSummary,
  type FinalMessage,
} from "../db/queries";
import { activePath, contextOf, newestLeafUnder, presentPath } from "../db/branches";
import {
  attachmentsByMessage,
  byMessage,
  conversationAttachments,
  conversationAttachmentsQuery,
  deleteAttachmentRows,
  inOrderOf,
  toAttachmentInfo,
  unsentAttachmentsQuery,
} from "../db/attachments";
import type { Attachment } from "../db/schema";
import { toBase64 } from "../attachments";
import { acquireGenerationSlot, GenerationLimitError, type GenerationSlot } from "../limits/concurrency";
import { logError, logGeneration } from "../observability/log";
import { builtinTools } from "../tools";
import { acceptsAttachment } from "../providers/attachments";
import type { Message } from "../db/schema";
import {
  generationOptionsSchema,
  roleSchema,
  MAX_PROMPT_CHARS,
  type ChatMessage,
  type GenerationOptions,
} from "#protocol/messages";
import {
  CLOSE_CODES,
  encodeFrame,
  parseClientFrame,
  type ClientFrame,
  type LiveMessage,
  type Person,
  type ServerFrame,
} from "#protocol/frames";
import { can } from "../auth/policy";
import { decryptProviderKeys, providerKeyRowsQuery } from "../auth/key-vault";
import {
  enforceQuota,
  LimitError,
  limitsFrom,
  limitsRowQuery,
  rateLimitFor,
  type AdmissionFacts,
  type RateDecision,
  type Subject,
} from "../limits";
import { monthRange, totalFrom, userMonthTotalQuery } from "../db/usage";
import { ContentBlockedError, moderatePrompt } from "../moderation";
import { createProvider, withOwnKeys } from "../providers";
import {
  catalogueModelFrom,
  DEFAULT_MAX_OUTPUT_TOKENS,
  findCatalogueModel,
  isUsableModel,
  modelRowQuery,
  usableModels,
  type CatalogueModel,
} from "../providers/catalogue";
import type { ProviderAttachment, ProviderMessage } from "../providers/types";
import { pickTitleModel, writeTitle } from "./auto-title";
import { LiveCheckpoint } from "./checkpoint";
import { Generation } from "./generation";
import { readIdentityHeaders, type RoomIdentity } from "./identity";
import { streamTurnAsSse } from "./sse";

const BUSY_MESSAGE = "An answer is still being written in this conversation. Wait for it or stop it first.";

/** Messages sent to a device when it joins; older ones are fetched over HTTP. */
const SNAPSHOT_MESSAGES = 50;
/** While a generation runs, an alarm this often keeps the object from being evicted as idle. */
const KEEPALIVE_MS = 30_000;
/** Files of a deleted conversation are removed this long after the deletion (undo takes 60 s). */
const PURGE_AFTER_MS = 90_000;
const PURGE_KEY = "purgeFilesAt";
/** Someone counts as typing this long after their last `typing` frame. */
const TYPING_MS = 6_000;
/** Sent (not stored) after a stopped answer so any provider carries on from where it ended. */
const CONTINUE_PROMPT =
  "Continue your previous answer exactly where it stopped. Do not repeat anything you already wrote.";

interface ConnectionState extends RoomIdentity {
  /** Opaque presence id: the same for all devices of a person, unrelated to their user id. */
  personId: string;
  /** False until the snapshot was sent; live frames skip the connection until then. */
  ready: boolean;
  typingUntil: number;
}

export class RoomError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 403 | 404 | 409,
  ) {
    super(message);
  }
}

/** Body of the internal `POST /stream` request the worker sends for `/api/v1/chat/stream`. */
export const roomStreamRequestSchema = z.object({
  model: z.string(),
  content: z.string().min(1).max(MAX_PROMPT_CHARS),
  /** Earlier messages of a brand-new conversation, stored before the prompt. */
  prior: z.array(z.object({ role: roleSchema, content: z.string() })).default([]),
  options: generationOptionsSchema.default({}),
});
export type RoomStreamRequest = z.input<typeof roomStreamRequestSchema>;

/** Who starts a turn, and whether the room must still screen it (moderation, then limits). */
interface TurnAccess {
  subject: Subject;
  screen: boolean;
  /** How the turn was asked for, for the generation log line (default: the plan's kind). */
  trigger?: "stream";
  /** The HTTP request that asked for it, so the generation's log line matches the request's. */
  requestId?: string;
  onAdmitted?: (decision: RateDecision) => void;
}

/** What a turn does: answer a new prompt, answer an edited prompt, answer again, or carry on. */
type TurnPlan =
  | {
      kind: "send";
      model: string;
      content: string;
      prior: Array<{ role: Message["role"]; content: string }>;
      options: GenerationOptions;
      attachments?: string[];
    }
  | {
      kind: "edit";
      messageId: string;
      model: string;
      content: string;
      options: GenerationOptions;
      attachments?: string[];
    }
  | { kind: "regenerate"; messageId: string; model?: string; options: GenerationOptions }
  | { kind: "continue"; messageId: string };

interface LiveTurn {
  generation: Generation;
  kind: TurnPlan["kind"] | "stream";
  subject: Subject;
  ownKey: boolean;
  /** The sender's concurrent-generation slot, released when the answer ends. */
  slot: GenerationSlot | null;
  requestId?: string | undefined;
  /** The messages this turn added (or reopened), for snapshots built before D1 shows them. */
  messages: ChatMessage[];
  assistantMessage: ChatMessage;
  /** Settles when the answer is final in D1 and `done` went out. */
  finished: Promise<void>;
}

export class ConversationRoom extends Server<Env> {
  static override options = { hibernate: true };

  private checkpoint!: LiveCheckpoint;
  /** Set synchronously when a turn or an edit is accepted, before any await, so two cannot race. */
  private busy = false;
  private turn: LiveTurn | null = null;
  private nextPosition: number | undefined;
  /** Bumped whenever the visible branch changes, so a snapshot built across awaits is not stale. */
  private revision = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(frame: ServerFrame) => void>();
  /** Devices with their snapshot, by connection id (see `readyConnections`). */
  private ready: Map<string, Connection<ConnectionState>> | null = null;

  private get db() {
    return database(this.env.DB);
  }

  override async onStart(): Promise<void> {
    this.checkpoint = new LiveCheckpoint(this.ctx.storage);
    await this.recoverInterrupted();
  }

  /**
   * A fresh instance has no generation running, so a checkpoint row or a `streaming` message
   * means the previous instance died mid-answer: keep its text and mark it `interrupted`.
   */
  private async recoverInterrupted(): Promise<void> {
    for (const row of await this.checkpoint.leftovers()) {
      await finalizeMessage(this.db, row.messageId, {
        content: row.content,
        reasoning: row.reasoning,
        status: "interrupted",
        finishReason: "interrupted",
        usage: null,
        error: null,
      });
      this.checkpoint.remove(row.messageId);
    }
    await interruptStaleMessages(this.db, this.name);
  }

  /** One alarm serves two purposes: keeping a generation alive, and purging a deleted chat's files. */
  override async onAlarm(): Promise<void> {
    let next = this.turn ? Date.now() + KEEPALIVE_MS : Infinity;
    const purgeAt = await this.ctx.storage.get<number>(PURGE_KEY);
    if (purgeAt !== undefined) {
      if (Date.now() >= purgeAt) await this.purgeFilesIfStillDeleted();
      else next = Math.min(next, purgeAt);
    }
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
  }

  /**
   * Once the undo window of a deletion has passed, the conversation's files go from R2 and D1
   * for good. A conversation restored in time keeps them.
   */
  private async purgeFilesIfStillDeleted(): Promise<void> {
    const conversation = await findConversation(this.db, this.name);
    if (conversation?.deletedAt) {
      const files = await conversationAttachments(this.db, this.name);
      if (files.length > 0) {
        await this.env.ATTACHMENTS.delete(files.map((file) => file.r2Key));
        await deleteAttachmentRows(
          this.db,
          files.map((file) => file.id),
        );
      }
    }
    await this.ctx.storage.delete(PURGE_KEY);
  }

  // -------------------------------------------------------------------------------------------
  // WebSocket side
  // -------------------------------------------------------------------------------------------

  override async onConnect(connection: Connection<ConnectionState>, ctx: ConnectionContext): Promise<void> {
    const identity = readIdentityHeaders(ctx.request.headers);
    if (!identity) {
      connection.close(CLOSE_CODES.notSignedIn, "Not signed in");
      return;
    }
    const personId = await personIdFor(this.name, identity.userId);
    connection.setState({ ...identity, personId, ready: false, typingUntil: 0 });
    const url = new URL(ctx.request.url);
    try {
      let loaded = await this.loadPath();
      // A branch change while we were reading would make this snapshot stale: read again.
      for (let attempt = 0; attempt < 3 && loaded.revision !== this.revision; attempt++) {
        loaded = await this.loadPath();
      }
      // Built after the awaits, in the same turn of the event loop as the send: the snapshot
      // holds everything published so far, and `ready` lets every later frame through.
      this.turn?.generation.flush();
      const messages = loaded.messages;
      for (const message of this.turn?.messages ?? []) {
        if (!messages.some((m) => m.id === message.id)) messages.push(message);
      }
      connection.setState({ ...identity, personId, ready: true, typingUntil: 0 });
      this.ready?.set(connection.id, connection);
      connection.send(
        encodeFrame({
          type: "snapshot",
          conversationId: this.name,
          title: loaded.title,
          messages: messages.slice(-SNAPSHOT_MESSAGES),
          live: this.liveFrom(url.searchParams),
          viewers: this.viewerCount(),
          self: { id: personId, role: identity.role },
          people: this.people(),
        }),
      );
      this.publishPresence();
    } catch (cause) {
      logError("snapshot_failed", { room: this.name, cause });
      connection.close(1011, "Could not load the conversation");
    }
  }

  private async loadPath(): Promise<{ revision: number; title: string; messages: ChatMessage[] }> {
    const revision = this.revision;
    // One batch: a device reconnecting mid-answer waits for this before it catches up.
    const [[conversation], rows, fileRows] = await this.db.batch([
      conversationQuery(this.db, this.name),
      messagesQuery(this.db, this.name),
      conversationAttachmentsQuery(this.db, this.name),
    ]);
    return {
      revision,
      title: conversation?.title ?? "",
      messages: presentPath(rows, conversation?.activeLeafId ?? null, byMessage(fileRows)),
    };
  }

  override async onMessage(connection: Connection<ConnectionState>, raw: WSMessage): Promise<void> {
    const frame = typeof raw === "string" ? parseClientFrame(raw) : null;
    const state = connection.state;
    if (!frame || !state) {
      this.sendError(connection, "invalid_frame", "That message is not part of the Parley protocol.", false);
      return;
    }
    switch (frame.type) {
      case "send":
      case "edit":
      case "regenerate":
      case "continue":
        if (!can(state.role, "write")) {
          this.sendError(
            connection,
            "forbidden",
            "You can watch this conversation but not write in it.",
            false,
          );
          return;
        }
        await this.startFromSocket(connection, state, frame);
        return;
      case "delete_message":
      case "switch_branch":
        if (!can(state.role, "write")) {
          this.sendError(
            connection,
            "forbidden",
            "You can watch this conversation but not change it.",
            false,
          );
          return;
        }
        await this.reshape(connection, frame);
        return;
      case "stop":
        if (!can(state.role, "stop")) {
          this.sendError(connection, "forbidden", "Only participants can stop an answer.", false);
          return;
        }
        this.stop(frame.messageId);
        return;
      case "typing":
        if (can(state.role, "write")) this.setTyping(connection, state, frame.active);
        return;
      case "resume":
        await this.resume(connection, frame.messageId, frame.offset, frame.reasoningOffset);
        return;
      case "ping":
        connection.send(encodeFrame({ type: "pong" }));
        return;
    }
  }

  private async startFromSocket(
    connection: Connection<ConnectionState>,
    state: ConnectionState,
    frame: Extract<ClientFrame, { type: "send" | "edit" | "regenerate" | "continue" }>,
  ): Promise<void> {
    if (this.busy) {
      this.sendError(connection, "conversation_busy", BUSY_MESSAGE, true);
      return;
    }
    const plan: TurnPlan =
      frame.type === "send"
        ? {
            kind: "send",
            model: frame.model,
            content: frame.content,
            prior: [],
            options: frame.options ?? {},
            attachments: frame.attachments ?? [],
          }
        : frame.type === "edit"
          ? {
              kind: "edit",
              messageId: frame.messageId,
              model: frame.model,
              content: frame.content,
              options: frame.options ?? {},
              attachments: frame.attachments ?? [],
            }
          : frame.type === "regenerate"
            ? {
                kind: "regenerate",
                messageId: frame.messageId,
                ...(frame.model ? { model: frame.model } : {}),
                options: frame.options ?? {},
              }
            : { kind: "continue", messageId: frame.messageId };
    const clientId = frame.type === "send" || frame.type === "edit" ? frame.clientId : undefined;
    if (state.typingUntil > 0) this.setTyping(connection, state, false);
    try {
      await this.startTurn(
        plan,
        {
          subject: state,
          screen: true,
          onAdmitted: (decision) => this.sendRateLimit(connection, decision),
        },
        clientId,
      );
    } catch (cause) {
      this.sendFailure(connection, cause);
    }
  }

  /** Turns a refusal into an `error` frame for the device that asked. */
  private sendFailure(connection: Connection, cause: unknown): void {
    if (cause instanceof LimitError || cause instanceof GenerationLimitError) {
      connection.send(
        encodeFrame({
          type: "error",
          code: cause.code,
          message: cause.message,
          retryable: true,
          retryAfterMs: cause.retryAfterMs,
        }),
      );
      return;
    }
    if (cause instanceof ContentBlockedError) {
      this.sendError(connection, "content_blocked", cause.message, false);
      return;
    }
    if (!(cause instanceof RoomError)) throw cause;
    this.sendError(connection, cause.code, cause.message, cause.code === "conversation_busy");
  }

  /** Deletes one message or switches the visible branch, then shows everyone the new path. */
  private async reshape(
    connection: Connection<ConnectionState>,
    frame: Extract<ClientFrame, { type: "delete_message" | "switch_branch" }>,
  ): Promise<void> {
    if (this.busy) {
      this.sendError(connection, "conversation_busy", BUSY_MESSAGE, true);
      return;
    }
    this.busy = true;
    try {
      const [conversation, rows] = await Promise.all([
        findConversation(this.db, this.name),
        listMessages(this.db, this.name),
      ]);
      const target = rows.find((row) => row.id === frame.messageId && row.deletedAt === null);
      if (!target) {
        this.sendError(connection, "not_found", "That message is not in this conversation.", false);
        return;
      }
      let leafId = conversation?.activeLeafId ?? null;
      if (frame.type === "switch_branch") {
        leafId = newestLeafUnder(rows, target.id)?.id ?? target.id;
        await setActiveLeaf(this.db, this.name, leafId);
      } else {
        await softDeleteMessage(this.db, target.id);
        target.deletedAt = Date.now();
      }
      this.revision++;
      this.publish({
        type: "path",
        messages: presentPath(rows, leafId, await attachmentsByMessage(this.db, this.name)),
      });
    } finally {
      this.busy = false;
    }
  }

  override onClose(connection: Connection<ConnectionState>): void {
    this.ready?.delete(connection.id);
    this.publishPresence();
  }

  /** The text a device missed, after it noticed a gap in the offsets. */
  private async resume(
    connection: Connection<ConnectionState>,
    messageId: string,
    offset: number,
    reasoningOffset = 0,
  ): Promise<void> {
    const generation = this.turn?.generation;
    if (generation && generation.messageId === messageId) {
      generation.flush();
      connection.send(
        encodeFrame({
          type: "delta",
          messageId,
          offset: Math.min(offset, generation.text.length),
          text: generation.text.slice(offset),
          reasoningOffset: Math.min(reasoningOffset, generation.reasoning.length),
          reasoning: generation.reasoning.slice(reasoningOffset),
        }),
      );
      return;
    }
    const stored = (await listMessages(this.db, this.name)).find((m) => m.id === messageId);
    if (stored) connection.send(encodeFrame({ type: "message", message: toChatMessage(stored) }));
  }

  private liveFrom(params: URLSearchParams): LiveMessage | null {
    const generation = this.turn?.generation;
    if (!generation) return null;
    const resuming = params.get("resume") === generation.messageId;
    const offset = resuming ? clampOffset(params.get("offset"), generation.text.length) : 0;
    const reasoningOffset = resuming
      ? clampOffset(params.get("reasoningOffset"), generation.reasoning.length)
      : 0;
    return {
      messageId: generation.messageId,
      offset,
      text: generation.text.slice(offset),
      reasoningOffset,
      reasoning: generation.reasoning.slice(reasoningOffset),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Presence
  // -------------------------------------------------------------------------------------------

  /**
   * The devices that have their snapshot. Kept in memory while this instance lives, because
   * every delta goes to each of them: asking the hibernation API per frame would decode every
   * socket's attachment again. After a wake from hibernation the set is rebuilt from it once.
   */
  private readyConnections(): Array<Connection<ConnectionState> & { state: ConnectionState }> {
    if (!this.ready) {
      this.ready = new Map();
      for (const connection of this.getConnections<ConnectionState>()) {
        if (connection.state?.ready) this.ready.set(connection.id, connection);
      }
    }
    const open = [];
    for (const [id, connection] of this.ready) {
      if (connection.readyState !== WebSocket.READY_STATE_OPEN) this.ready.delete(id);
      else open.push(connection as Connection<ConnectionState> & { state: ConnectionState });
    }
    return open;
  }

  private viewerCount(): number {
    return this.readyConnections().length;
  }

  /** Everyone here, one entry per person with their devices folded together. */
  private people(now = Date.now()): Person[] {
    const byPerson = new Map<string, Person>();
    for (const { state } of this.readyConnections()) {
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

  private publishPresence(): void {
    this.publish({ type: "presence", viewers: this.viewerCount(), people: this.people() });
  }

  private setTyping(connection: Connection<ConnectionState>, state: ConnectionState, active: boolean): void {
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

  private sendRateLimit(connection: Connection, decision: RateDecision): void {
    const { limit, remaining, resetAt } = decision;
    connection.send(encodeFrame({ type: "rate_limit", limit, remaining, resetAt }));
  }

  private sendError(connection: Connection, code: string, message: string, retryable: boolean): void {
    connection.send(encodeFrame({ type: "error", code, message, retryable }));
  }

  /** Sends a frame to every device that has its snapshot, and to every API stream listening. */
  private publish(frame: ServerFrame): void {
    const data = encodeFrame(frame);
    for (const connection of this.readyConnections()) connection.send(data);
    for (const listener of this.listeners) listener(frame);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP side: POST /stream from the worker's /api/v1/chat/stream
  // -------------------------------------------------------------------------------------------

  override async onRequest(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "POST" || !url.pathname.endsWith("/stream")) {
      return Response.json({ error: { code: "not_found", message: "Not found." } }, { status: 404 });
    }
    const identity = readIdentityHeaders(request.headers);
    const body = roomStreamRequestSchema.safeParse(await request.json().catch(() => undefined));
    if (!identity || !can(identity.role, "write") || !body.success) {
      return Response.json(
        { error: { code: "bad_request", message: "Invalid room request." } },
        { status: 400 },
      );
    }
    const source = {
      subscribe: (listener: (frame: ServerFrame) => void) => {
        this.listeners.add(listener);
        return () => void this.listeners.delete(listener);
      },
    };
    try {
      return await streamTurnAsSse(source, this.name, async () => {
        // The worker admitted this request before creating anything; no second count here.
        const turn = await this.startTurn(
          { kind: "send", ...body.data },
          {
            subject: identity,
            screen: false,
            trigger: "stream",
            ...(request.headers.get("x-request-id")
              ? { requestId: request.headers.get("x-request-id")! }
              : {}),
          },
        );
        return { messageId: turn.assistantMessage.id };
      });
    } catch (cause) {
      if (cause instanceof RoomError) {
        return Response.json(
          { error: { code: cause.code, message: cause.message } },
          { status: cause.status },
        );
      }
      if (cause instanceof GenerationLimitError) {
        return Response.json(
          { error: { code: cause.code, message: cause.message } },
          { status: cause.status, headers: { "Retry-After": String(Math.ceil(cause.retryAfterMs / 1000)) } },
        );
      }
      // Never let partyserver answer with a stack trace: the worker relays this body.
      logError("room_stream_failed", { room: this.name, cause });
      return Response.json(
        { error: { code: "internal_error", message: "Something went wrong on our side. Please try again." } },
        { status: 500 },
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Calls from the worker (Durable Object RPC)
  // -------------------------------------------------------------------------------------------

  /** The conversation was renamed over HTTP: tell every device. */
  announceTitle(title: string): void {
    this.publish({ type: "title", title });
  }

  /**
   * The conversation was deleted: stop its answer, close every connection, and schedule its
   * files for removal once the undo window has passed.
   */
  async closeForDeletion(): Promise<void> {
    const purgeAt = Date.now() + PURGE_AFTER_MS;
    await this.ctx.storage.put(PURGE_KEY, purgeAt);
    const pending = await this.ctx.storage.getAlarm();
    if (pending === null || pending > purgeAt) await this.ctx.storage.setAlarm(purgeAt);
    this.turn?.generation.stop();
    this.publish({ type: "deleted" });
    for (const connection of this.getConnections())
      connection.close(CLOSE_CODES.deleted, "Conversation deleted");
  }

  /**
   * A share link was revoked or rotated (`revoked`), or its mode changed: everyone who came in
   * through it is disconnected at once. After a mode change they may reconnect with their new role.
   */
  shareChanged(token: string, revoked: boolean): number {
    let closed = 0;
    for (const connection of this.getConnections<ConnectionState>()) {
      if (connection.state?.share !== token || connection.state.role === "owner") continue;
      // Said in a frame first: some proxies deliver the close itself late.
      this.sendError(
        connection,
        revoked ? "access_revoked" : "access_changed",
        revoked ? "This share link is no longer active." : "The share link's mode changed.",
        !revoked,
      );
      connection.close(
        revoked ? CLOSE_CODES.accessRevoked : CLOSE_CODES.accessChanged,
        revoked ? "This share link is no longer active" : "Share settings changed",
      );
      closed++;
    }
    if (closed > 0) this.publishPresence();
    return closed;
  }

  /** How many people and devices are here now (for the owner's share dialog over HTTP). */
  presence(): { viewers: number; people: Person[] } {
    return { viewers: this.viewerCount(), people: this.people() };
  }

  // -------------------------------------------------------------------------------------------
  // Turns
  // -------------------------------------------------------------------------------------------

  /**
   * Accepts a turn: stores the prompt (new or edited) with an empty `streaming` answer, or
   * reopens a stopped answer, tells every device, and starts the generation in this object,
   * independent of whoever asked.
   */
  private async startTurn(plan: TurnPlan, access: TurnAccess, clientId?: string): Promise<LiveTurn> {
    if (this.busy) throw new RoomError("conversation_busy", BUSY_MESSAGE, 409);
    this.busy = true;
    let slot: GenerationSlot | null = null;
    try {
      const config = getConfig(this.env);
      const { subject } = access;
      const uploadIds = plan.kind === "send" || plan.kind === "edit" ? (plan.attachments ?? []) : [];
      const plannedModel = plan.kind === "continue" ? undefined : plan.model;
      // Everything the turn needs from D1, in one batch (one round trip): each read here is
      // paid again by every first token.
      const readAt = new Date();
      const [rows, [conversation], keyRows, modelRows, uploadRows, fileRows, limitRows, usedRows] =
        await this.db.batch([
          messagesQuery(this.db, this.name),
          conversationQuery(this.db, this.name),
          providerKeyRowsQuery(this.db, subject.userId),
          modelRowQuery(this.db, plannedModel ?? ""),
          unsentAttachmentsQuery(this.db, uploadIds, subject.userId),
          conversationAttachmentsQuery(this.db, this.name),
          limitsRowQuery(this.db, subject),
          userMonthTotalQuery(this.db, subject.userId, monthRange(readAt), { serverPaidOnly: true }),
        ]);
      // A person's own key replaces the server's for its provider (and is not billed to quotas).
      const ownKeys =
        subject.kind === "user" && config.ENCRYPTION_KEY
          ? await decryptProviderKeys(config.ENCRYPTION_KEY, subject.userId, keyRows)
          : new Map<string, string>();
      const planned = plannedModel ? catalogueModelFrom(this.env, plannedModel, modelRows) : undefined;
      const uploads = inOrderOf(uploadIds, uploadRows);
      const files = byMessage(fileRows);
      const facts: AdmissionFacts | null = access.screen
        ? { limits: limitsFrom(subject, config, limitRows), used: totalFrom(usedRows), now: readAt }
        : null;
      const path = activePath(rows, conversation?.activeLeafId ?? null);
      const shaped = shapeTurn(plan, rows, path);
      const providerEnv = withOwnKeys(this.env, ownKeys);
      const candidate =
        shaped.model === plannedModel ? planned : await findCatalogueModel(this.db, this.env, shaped.model);
      const model = candidate && isUsableModel(candidate, providerEnv) ? candidate : undefined;
      const provider = model ? createProvider(model.provider, providerEnv) : null;
      if (!model || !provider) {
        throw new RoomError("unknown_model", `The model "${shaped.model}" is not available.`, 400);
      }
      const options = plan.kind === "continue" ? {} : plan.options;
      checkOptions(model, options);
      const ownKey = ownKeys.has(model.provider);
      if (uploads.length !== new Set(uploadIds).size) {
        throw new RoomError(
          "invalid_attachment",
          "One of the files is not yours, was already sent, or no longer exists. Attach it again.",
          400,
        );
      }
      for (const upload of uploads) {
        if (upload.kind !== "text" && !acceptsAttachment(model, upload.kind)) {
          throw new RoomError(
            "unsupported_attachment",
            `${model.name} cannot read ${upload.kind === "image" ? "images" : "PDFs"}. Pick a model that can, or remove "${upload.name}".`,
            400,
          );
        }
      }
      if (facts) {
        if (shaped.prompt !== null) {
          await moderatePrompt(this.db, config, {
            text: shaped.prompt,
            userId: subject.userId,
            conversationId: this.name,
          });
        }
        // Answers paid with the person's own key are theirs to spend: only the rate limit applies.
        if (!ownKey) enforceQuota(facts);
      }
      // The rate limit counts the request, and at most a few answers per person run at once
      // across all their conversations: both asked of the person's limiter in one call.
      slot = await acquireGenerationSlot(
        this.env,
        subject,
        facts ? { rate: rateLimitFor(facts.limits) } : {},
      );
      if (slot.rate) access.onAdmitted?.(slot.rate);

      let position = Math.max(this.nextPosition ?? 0, lastPositionOf(rows) + 1);
      const now = Date.now();
      const author = subject.userId;
      const row = (
        role: Message["role"],
        content: string,
        parentId: string | null,
        extra: Partial<Message> = {},
      ) => {
        const message: Message = {
          ...emptyColumns,
          id: crypto.randomUUID(),
          conversationId: this.name,
          position: position++,
          parentId,
          authorId: author,
          role,
          content,
          status: "complete",
          createdAt: now,
          updatedAt: now,
          ...extra,
        };
        return message;
      };
      const newRows: Message[] = [];
      let parent = shaped.parentId;
      // A brand-new conversation from the API may bring earlier messages along.
      if (plan.kind === "send" && rows.length === 0) {
        for (const prior of plan.prior) {
          const priorRow = row(prior.role, prior.content, parent);
          newRows.push(priorRow);
          parent = priorRow.id;
        }
      }
      if (shaped.prompt !== null) {
        const userRow = row("user", shaped.prompt, parent);
        newRows.push(userRow);
        parent = userRow.id;
      }
      const reopened = plan.kind === "continue" ? shaped.target : undefined;
      const assistantRow: Message = reopened
        ? { ...reopened, status: "streaming", finishReason: null, errorCode: null, errorMessage: null }
        : row("assistant", "", parent, {
            status: "streaming",
            model: model.id,
            provider: model.provider,
            ownKey,
          });
      if (!reopened) newRows.push(assistantRow);
      const assistantId = assistantRow.id;

      const contextPath = [...shaped.context, ...newRows.filter((m) => m.id !== assistantId)];
      const promptRow = newRows.find((m) => m.role === "user" && m.content === shaped.prompt);
      if (promptRow && uploads.length > 0) files.set(promptRow.id, uploads);
      const messages: ProviderMessage[] = await this.withFiles(contextPath, files, model);
      if (reopened) {
        messages.push({ role: "assistant", content: reopened.content });
        messages.push({ role: "user", content: CONTINUE_PROMPT });
      }
      // The checkpoint row exists before the D1 row changes, so a crash in between can never
      // leave a message stuck in `streaming`.
      const generation = new Generation({
        messageId: assistantId,
        model,
        provider,
        request: {
          model: model.upstreamId,
          maxOutputTokens: options.maxOutputTokens ?? Math.min(model.maxOutput, DEFAULT_MAX_OUTPUT_TOKENS),
          ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
          ...(options.reasoningEffort ? { reasoningEffort: options.reasoningEffort } : {}),
          ...(conversation?.systemPrompt ? { system: conversation.systemPrompt } : {}),
          ...(options.tools ? { tools: builtinTools() } : {}),
          ...(options.responseFormat ? { responseFormat: options.responseFormat } : {}),
          messages,
        },
        onDelta: (delta) => this.publish({ type: "delta", messageId: assistantId, ...delta }),
        onProgress: () => this.checkpoint.touched(),
        onTool: (call) => this.publish({ type: "tool", messageId: assistantId, call }),
        frameIntervalMs: () => frameIntervalFor(this.ready?.size ?? 0),
        ...(reopened ? { initial: { text: reopened.content, reasoning: reopened.reasoning } } : {}),
      });
      this.checkpoint.begin(assistantId, () => ({
        messageId: assistantId,
        content: generation.text,
        reasoning: generation.reasoning,
      }));
      const firstPrompt = newRows.find((m) => m.role === "user")?.content ?? shaped.prompt ?? "";
      // The provider is asked now, while the turn is written to D1: the first token need not
      // wait for the write. Nothing is sent to devices until the write has succeeded (the
      // generation holds its text until `announce`); if it fails, the request is cancelled.
      generation.hold();
      const running = generation.run();
      try {
        await Promise.all([
          insertTurn(this.db, this.name, newRows, {
            model: model.id,
            titleIfEmpty: titleFrom(firstPrompt),
            activeLeafId: assistantId,
            ...(reopened ? { reopen: reopened.id } : {}),
            ...(promptRow && uploads.length > 0
              ? {
                  attach: {
                    ids: uploads.map((u) => u.id),
                    ownerId: subject.userId,
                    messageId: promptRow.id,
                  },
                }
              : {}),
          }),
          this.ctx.storage.setAlarm(Date.now() + KEEPALIVE_MS),
        ]);
      } catch (cause) {
        generation.stop();
        await running.catch(() => undefined);
        generation.dispose();
        this.checkpoint.end(assistantId);
        throw cause;
      }
      this.nextPosition = position;
      this.revision++;
      const assistantMessage = toChatMessage(assistantRow);
      const turnMessages = newRows.map((row) =>
        row === promptRow && uploads.length > 0
          ? { ...toChatMessage(row), attachments: uploads.map(toAttachmentInfo) }
          : toChatMessage(row),
      );
      const turn: LiveTurn = {
        generation,
        kind: access.trigger ?? plan.kind,
        subject,
        ownKey,
        slot,
        requestId: access.requestId,
        messages: reopened ? [assistantMessage] : turnMessages,
        assistantMessage,
        finished: Promise.resolve(),
      };
      this.turn = turn;
      if (plan.kind === "send") {
        for (const message of turnMessages) {
          const mine = message.role === "user" && clientId !== undefined;
          this.publish({ type: "message", message, ...(mine ? { clientId } : {}) });
        }
      } else if (plan.kind === "continue") {
        this.publish({ type: "message", message: assistantMessage });
      } else {
        const allRows = [...rows, ...newRows];
        this.publish({ type: "path", messages: presentPath(allRows, assistantId, files) });
      }
      // Everyone knows the message now: its text may flow.
      generation.announce();
      this.notifyHub(conversation?.ownerId);
      const isFirstTurn = rows.length === 0 && (conversation?.title ?? "") === "";
      turn.finished = this.finishTurn(turn, running).then(() => {
        if (isFirstTurn) return this.autoTitle(firstPrompt, generation.text);
      });
      return turn;
    } catch (cause) {
      this.busy = false;
      this.turn = null;
      await slot?.release().catch(() => undefined);
      throw cause;
    }
  }

  /**
   * The context as the provider gets it: text files are written into their prompt; images and
   * PDFs travel as bytes (read from R2) when the model can take them, and are named otherwise.
   */
  private async withFiles(
    path: readonly Message[],
    files: Map<string, Attachment[]>,
    model: CatalogueModel,
  ): Promise<ProviderMessage[]> {
    const context = contextOf(path);
    const out: ProviderMessage[] = [];
    for (const message of context) {
      const attached = message.role === "user" ? (files.get(message.id) ?? []) : [];
      if (attached.length === 0) {
        out.push({ role: message.role, content: message.content });
        continue;
      }
      let content = message.content;
      const parts: ProviderAttachment[] = [];
      for (const file of attached) {
        const object = await this.env.ATTACHMENTS.get(file.r2Key);
        if (!object) {
          content += `\n\n[The file "${file.name}" is no longer available.]`;
        } else if (file.kind === "text") {
          content += `\n\n<file name="${file.name}">\n${await object.text()}\n</file>`;
        } else if (acceptsAttachment(model, file.kind)) {
          const data = toBase64(new Uint8Array(await object.arrayBuffer()));
          parts.push({ kind: file.kind, mimeType: file.mimeType, name: file.name, data });
        } else {
          content += `\n\n[Attached ${file.kind === "image" ? "image" : "PDF"} "${file.name}", which this model cannot read.]`;
        }
      }
      out.push({ role: "user", content, ...(parts.length > 0 ? { attachments: parts } : {}) });
    }
    return out;
  }

  private async finishTurn(turn: LiveTurn, running: Promise<FinalMessage>): Promise<void> {
    const { generation } = turn;
    const final = await running;
    await turn.slot?.release().catch(() => undefined);
    logGeneration({
      requestId: turn.requestId,
      room: this.name,
      messageId: generation.messageId,
      userId: turn.subject.userId,
      model: generation.model.id,
      provider: generation.model.provider,
      trigger: turn.kind,
      ownKey: turn.ownKey,
      inputTokens: final.usage?.inputTokens ?? null,
      outputTokens: final.usage?.outputTokens ?? null,
      costUsd: final.usage?.costUsd ?? null,
      ttftMs: generation.firstTokenAt ? generation.firstTokenAt - generation.startedAt : null,
      durationMs: Date.now() - generation.startedAt,
      status: final.status,
      finishReason: final.finishReason,
      errorCode: final.error?.code ?? null,
    });
    try {
      await this.persistFinal(generation.messageId, final);
      this.checkpoint.end(generation.messageId);
    } catch (cause) {
      // The checkpoint stays: the next start of this room finalizes the message from it.
      logError("persist_failed", { room: this.name, cause });
    } finally {
      generation.dispose();
      this.turn = null;
      this.busy = false;
    }
    this.publish({
      type: "done",
      messageId: generation.messageId,
      status: final.status,
      finishReason: final.finishReason,
      usage: final.usage,
      error: final.error,
      length: final.content.length,
      reasoningLength: final.reasoning.length,
    });
  }

  /** D1 writes can fail transiently; try a few times before leaving it to the checkpoint. */
  private async persistFinal(messageId: string, final: FinalMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await finalizeMessage(this.db, messageId, final);
        return;
      } catch (cause) {
        if (attempt >= 3) throw cause;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Tells every device of the owner that this conversation changed (new message, new title). */
  private notifyHub(ownerId: string | undefined): void {
    if (!ownerId) return;
    const send = async () => {
      const conversation = await findConversation(this.db, this.name);
      if (!conversation || conversation.deletedAt !== null) return;
      const hub = await getServerByName(this.env.UserHub, ownerId);
      await hub.conversationChanged(toSummary(conversation));
    };
    this.ctx.waitUntil(
      send().catch((cause: unknown) => logError("hub_notify_failed", { room: this.name, cause })),
    );
  }

  /** Replaces the provisional title with one a cheap model writes; failures keep the old one. */
  private async autoTitle(prompt: string, answer: string): Promise<void> {
    if (answer === "") return;
    try {
      const config = getConfig(this.env);
      const model = pickTitleModel(await usableModels(this.db, this.env), config.TITLE_MODEL);
      const provider = model ? createProvider(model.provider, this.env) : null;
      if (!model || !provider) return;
      const title = await writeTitle(provider, model, prompt, answer, AbortSignal.timeout(15_000));
      if (title && (await setTitleIfUntitled(this.db, this.name, title, titleFrom(prompt)))) {
        this.publish({ type: "title", title });
        const conversation = await findConversation(this.db, this.name);
        this.notifyHub(conversation?.ownerId);
      }
    } catch (cause) {
      logError("auto_title_failed", { room: this.name, cause });
    }
  }

  private stop(messageId?: string): void {
    const generation = this.turn?.generation;
    if (generation && (!messageId || messageId === generation.messageId)) generation.stop();
  }
}

/**
 * Where a turn attaches in the tree, what the model sees before it, and which model answers.
 * Throws a RoomError when the plan does not fit the conversation (unknown message, wrong role).
 */
function shapeTurn(
  plan: TurnPlan,
  rows: readonly Message[],
  path: readonly Message[],
): { parentId: string | null; context: Message[]; prompt: string | null; model: string; target?: Message } {
  if (plan.kind === "send") {
    return { parentId: path.at(-1)?.id ?? null, context: [...path], prompt: plan.content, model: plan.model };
  }
  const target = rows.find((row) => row.id === plan.messageId && row.deletedAt === null);
  const index = target ? path.findIndex((row) => row.id === target.id) : -1;
  const missing = () => new RoomError("not_found", "That message is not on the branch shown.", 404);
  if (!target || index === -1) throw missing();
  const before = path.slice(0, index);
  switch (plan.kind) {
    case "edit":
      if (target.role !== "user")
        throw new RoomError("invalid_request", "Only your prompts can be edited.", 400);
      return { parentId: target.parentId, context: before, prompt: plan.content, model: plan.model };
    case "regenerate":
      if (target.role !== "assistant") {
        throw new RoomError("invalid_request", "Only answers can be regenerated.", 400);
      }
      return {
        parentId: target.parentId,
        context: before,
        prompt: null,
        model: plan.model ?? target.model ?? "",
      };
    case "continue":
      if (target.role !== "assistant" || (target.status !== "stopped" && target.status !== "interrupted")) {
        throw new RoomError("invalid_request", "Only a stopped or interrupted answer can be continued.", 400);
      }
      if (index !== path.length - 1) {
        throw new RoomError("invalid_request", "Only the last answer can be continued.", 400);
      }
      return { parentId: target.parentId, context: before, prompt: null, model: target.model ?? "", target };
  }
}

/**
 * The least time between two delta frames, by the number of devices watching. A chunk after a
 * pause always leaves on the next tick; only chunks that follow closely wait for the interval.
 * Each frame costs a send per device, so the spacing grows with the audience to keep the room
 * near 2,000 socket sends a second when the provider streams faster than anyone reads: up to 4
 * devices a frame at most every 2 ms (a burst of a thousand tokens still becomes a few dozen
 * frames), 16 devices every 8 ms, 32 or more every 16 ms (one screen refresh, which nobody
 * reading can tell apart).
 */
export function frameIntervalFor(devices: number): number {
  return Math.min(16, Math.max(2, devices / 2));
}

/** The highest position any message of the conversation has (deleted ones included), or -1. */
function lastPositionOf(rows: readonly Message[]): number {
  return rows.reduce((last, row) => Math.max(last, row.position), -1);
}

/** A stable, opaque presence id per person and room (so ids cannot be matched across rooms). */
async function personIdFor(room: string, userId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${room}:${userId}`));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const emptyColumns: Omit<
  Message,
  | "id"
  | "conversationId"
  | "position"
  | "role"
  | "content"
  | "status"
  | "createdAt"
  | "updatedAt"
  | "parentId"
  | "authorId"
> = {
  reasoning: "",
  model: null,
  provider: null,
  finishReason: null,
  errorCode: null,
  errorMessage: null,
  inputTokens: null,
  outputTokens: null,
  cachedInputTokens: null,
  reasoningTokens: null,
  costUsd: null,
  ownKey: false,
  deletedAt: null,
  toolCalls: null,
};

/** Refuses options the model cannot take, rather than letting the upstream fail obscurely. */
export function checkOptions(model: CatalogueModel, options: GenerationOptions): void {
  const refuse = (message: string) => new RoomError("unsupported_option", message, 400);
  if (options.temperature !== undefined && !model.caps.temperature) {
    throw refuse(`${model.name} does not take a temperature.`);
  }
  if (options.reasoningEffort !== undefined && !model.caps.reasoning) {
    throw refuse(`${model.name} has no reasoning effort to set.`);
  }
  if (options.maxOutputTokens !== undefined && options.maxOutputTokens > model.maxOutput) {
    throw refuse(`${model.name} writes at most ${model.maxOutput} tokens per answer.`);
  }
  if (options.tools && !model.caps.tools) throw refuse(`${model.name} cannot call tools.`);
  if (options.responseFormat === "json" && !model.caps.json) {
    throw refuse(`${model.name} has no JSON mode.`);
  }
}

function clampOffset(raw: string | null, max: number): number {
  const value = Number(raw);
  return Number.isInteger(value) && value > 0 ? Math.min(value, max) : 0;
}

/** A provisional title from the first prompt (model-written titles come later). */
export function titleFrom(prompt: string): string {
  const line = prompt.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}
