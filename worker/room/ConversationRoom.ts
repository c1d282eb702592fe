/**
 * ConversationRoom: one Durable Object per conversation. It owns the live state of that
 * conversation (the devices connected, the one generation in flight) and coordinates; the
 * provider stream, coalescing, checkpoints, persistence and the wire format live in their own
 * modules. docs/architecture.md and docs/protocol.md describe the behaviour.
 */
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { z } from "zod";
import { getConfig } from "../env";
import {
  database,
  finalizeMessage,
  findConversation,
  insertTurn,
  interruptStaleMessages,
  lastPosition,
  listMessages,
  listRecentMessages,
  setTitleIfUntitled,
  toChatMessage,
  type FinalMessage,
} from "../db/queries";
import type { Message } from "../db/schema";
import {
  encodeFrame,
  generationOptionsSchema,
  parseClientFrame,
  roleSchema,
  MAX_PROMPT_CHARS,
  type ChatMessage,
  type GenerationOptions,
  type LiveMessage,
  type ServerFrame,
} from "../protocol";
import { loadProviderKeys } from "../auth/key-vault";
import { admitChat, LimitError, type RateDecision, type Subject } from "../limits";
import { ContentBlockedError, moderatePrompt } from "../moderation";
import { createProvider, withOwnKeys } from "../providers";
import {
  DEFAULT_MAX_OUTPUT_TOKENS,
  findUsableModel,
  usableModels,
  type CatalogueModel,
} from "../providers/catalogue";
import type { ProviderMessage } from "../providers/types";
import { pickTitleModel, writeTitle } from "./auto-title";
import { LiveCheckpoint } from "./checkpoint";
import { Generation } from "./generation";
import { readIdentityHeaders, type RoomRole } from "./identity";
import { streamTurnAsSse } from "./sse";

const BUSY_MESSAGE = "An answer is still being written in this conversation. Wait for it or stop it first.";

/** Messages sent to a device when it joins; older ones are fetched over HTTP. */
const SNAPSHOT_MESSAGES = 50;
/** While a generation runs, an alarm this often keeps the object from being evicted as idle. */
const KEEPALIVE_MS = 30_000;

interface ConnectionState {
  userId: string;
  kind: "guest" | "user";
  ip: string;
  role: RoomRole;
  /** False until the snapshot was sent; live frames skip the connection until then. */
  ready: boolean;
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
  onAdmitted?: (decision: RateDecision) => void;
}

interface TurnInput {
  model: string;
  content: string;
  prior: ProviderMessage[];
  options: GenerationOptions;
}

interface LiveTurn {
  generation: Generation;
  userMessage: ChatMessage;
  assistantMessage: ChatMessage;
  /** Settles when the answer is final in D1 and `done` went out. */
  finished: Promise<void>;
}

export class ConversationRoom extends Server<Env> {
  static override options = { hibernate: true };

  private checkpoint!: LiveCheckpoint;
  /** Set synchronously when a turn is accepted, before any await, so two sends cannot race. */
  private busy = false;
  private turn: LiveTurn | null = null;
  private nextPosition: number | undefined;
  private readonly listeners = new Set<(frame: ServerFrame) => void>();

  private get db() {
    return database(this.env.DB);
  }

  override async onStart(): Promise<void> {
    this.checkpoint = new LiveCheckpoint(this.ctx.storage.sql);
    await this.recoverInterrupted();
  }

  /**
   * A fresh instance has no generation running, so a checkpoint row or a `streaming` message
   * means the previous instance died mid-answer: keep its text and mark it `interrupted`.
   */
  private async recoverInterrupted(): Promise<void> {
    for (const row of this.checkpoint.leftovers()) {
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

  override async onAlarm(): Promise<void> {
    if (this.turn) await this.ctx.storage.setAlarm(Date.now() + KEEPALIVE_MS);
  }

  // -------------------------------------------------------------------------------------------
  // WebSocket side
  // -------------------------------------------------------------------------------------------

  override async onConnect(connection: Connection<ConnectionState>, ctx: ConnectionContext): Promise<void> {
    const identity = readIdentityHeaders(ctx.request.headers);
    if (!identity) {
      connection.close(4401, "Not signed in");
      return;
    }
    connection.setState({ ...identity, ready: false });
    const url = new URL(ctx.request.url);
    try {
      const [conversation, rows] = await Promise.all([
        findConversation(this.db, this.name),
        listRecentMessages(this.db, this.name, SNAPSHOT_MESSAGES),
      ]);
      // Built after the awaits, in the same turn of the event loop as the send: the snapshot
      // holds everything published so far, and `ready` lets every later frame through.
      this.turn?.generation.flush();
      const messages = rows.map(toChatMessage);
      for (const message of this.turnMessages()) {
        if (!messages.some((m) => m.id === message.id)) messages.push(message);
      }
      connection.send(
        encodeFrame({
          type: "snapshot",
          conversationId: this.name,
          title: conversation?.title ?? "",
          messages,
          live: this.liveFrom(url.searchParams),
          viewers: this.viewerCount() + 1,
        }),
      );
      connection.setState({ ...identity, ready: true });
      this.publishPresence();
    } catch (cause) {
      console.error(JSON.stringify({ event: "snapshot_failed", room: this.name, cause: String(cause) }));
      connection.close(1011, "Could not load the conversation");
    }
  }

  override async onMessage(connection: Connection<ConnectionState>, raw: WSMessage): Promise<void> {
    const frame = typeof raw === "string" ? parseClientFrame(raw) : null;
    const state = connection.state;
    if (!frame || !state) {
      this.sendError(connection, "invalid_frame", "That message is not part of the Parley protocol.", false);
      return;
    }
    switch (frame.type) {
      case "send": {
        if (state.role === "viewer") {
          this.sendError(
            connection,
            "forbidden",
            "You can watch this conversation but not write in it.",
            false,
          );
          return;
        }
        if (this.busy) {
          this.sendError(connection, "conversation_busy", BUSY_MESSAGE, true);
          return;
        }
        try {
          await this.startTurn(
            { model: frame.model, content: frame.content, prior: [], options: frame.options ?? {} },
            {
              subject: state,
              screen: true,
              onAdmitted: (decision) => this.sendRateLimit(connection, decision),
            },
            frame.clientId,
          );
        } catch (cause) {
          if (cause instanceof LimitError) {
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
        return;
      }
      case "stop":
        if (state.role === "viewer") {
          this.sendError(connection, "forbidden", "Only participants can stop an answer.", false);
          return;
        }
        this.stop(frame.messageId);
        return;
      case "resume":
        await this.resume(connection, frame.messageId, frame.offset, frame.reasoningOffset);
        return;
      case "ping":
        connection.send(encodeFrame({ type: "pong" }));
        return;
    }
  }

  override onClose(): void {
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

  private turnMessages(): ChatMessage[] {
    return this.turn ? [this.turn.userMessage, this.turn.assistantMessage] : [];
  }

  private viewerCount(): number {
    let count = 0;
    for (const connection of this.getConnections<ConnectionState>()) {
      if (connection.state?.ready) count++;
    }
    return count;
  }

  private publishPresence(): void {
    this.publish({ type: "presence", viewers: this.viewerCount() });
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
    for (const connection of this.getConnections<ConnectionState>()) {
      if (connection.state?.ready) connection.send(data);
    }
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
    if (!identity || identity.role === "viewer" || !body.success) {
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
        const turn = await this.startTurn(body.data, { subject: identity, screen: false });
        return { messageId: turn.assistantMessage.id };
      });
    } catch (cause) {
      if (!(cause instanceof RoomError)) throw cause;
      return Response.json({ error: { code: cause.code, message: cause.message } }, { status: cause.status });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Calls from the worker (Durable Object RPC)
  // -------------------------------------------------------------------------------------------

  /** The conversation was renamed over HTTP: tell every device. */
  announceTitle(title: string): void {
    this.publish({ type: "title", title });
  }

  /** The conversation was deleted: stop its answer and close every connection. */
  closeForDeletion(): void {
    this.turn?.generation.stop();
    this.publish({ type: "deleted" });
    for (const connection of this.getConnections()) connection.close(4404, "Conversation deleted");
  }

  // -------------------------------------------------------------------------------------------
  // Turns
  // -------------------------------------------------------------------------------------------

  /**
   * Accepts a prompt: stores it with an empty `streaming` answer, tells every device, and starts
   * the generation in this object, independent of whoever asked.
   */
  private async startTurn(input: TurnInput, access: TurnAccess, clientId?: string): Promise<LiveTurn> {
    if (this.busy) throw new RoomError("conversation_busy", BUSY_MESSAGE, 409);
    this.busy = true;
    const assistantId = crypto.randomUUID();
    try {
      const config = getConfig(this.env);
      // A person's own key replaces the server's for its provider (and is not billed to quotas).
      const ownKeys =
        access.subject.kind === "user" && config.ENCRYPTION_KEY
          ? await loadProviderKeys(this.db, config.ENCRYPTION_KEY, access.subject.userId)
          : new Map<string, string>();
      const providerEnv = withOwnKeys(this.env, ownKeys);
      const model = await findUsableModel(this.db, providerEnv, input.model);
      const provider = model ? createProvider(model.provider, providerEnv) : null;
      if (!model || !provider) {
        throw new RoomError("unknown_model", `The model "${input.model}" is not available.`, 400);
      }
      checkOptions(model, input.options);
      const ownKey = ownKeys.has(model.provider);
      if (access.screen) {
        await moderatePrompt(this.db, config, {
          text: input.content,
          userId: access.subject.userId,
          conversationId: this.name,
        });
        access.onAdmitted?.(await admitChat(this.env, this.db, access.subject, config, { ownKey }));
      }
      const [history, conversation] = await Promise.all([
        listMessages(this.db, this.name),
        findConversation(this.db, this.name),
      ]);
      let position = this.nextPosition ?? (await lastPosition(this.db, this.name)) + 1;
      const now = Date.now();
      const row = (role: Message["role"], content: string, extra: Partial<Message> = {}): Message => ({
        ...emptyColumns,
        id: crypto.randomUUID(),
        conversationId: this.name,
        position: position++,
        role,
        content,
        status: "complete",
        createdAt: now,
        updatedAt: now,
        ...extra,
      });
      const priorRows = history.length === 0 ? input.prior.map((m) => row(m.role, m.content)) : [];
      const userRow = row("user", input.content);
      const assistantRow = row("assistant", "", {
        id: assistantId,
        status: "streaming",
        model: model.id,
        provider: model.provider,
        ownKey,
      });
      // The checkpoint row exists before the D1 row, so a crash in between can never leave a
      // message stuck in `streaming`.
      const generation = new Generation({
        messageId: assistantId,
        model,
        provider,
        request: {
          model: model.upstreamId,
          maxOutputTokens:
            input.options.maxOutputTokens ?? Math.min(model.maxOutput, DEFAULT_MAX_OUTPUT_TOKENS),
          ...(input.options.temperature !== undefined ? { temperature: input.options.temperature } : {}),
          ...(input.options.reasoningEffort ? { reasoningEffort: input.options.reasoningEffort } : {}),
          ...(conversation?.systemPrompt ? { system: conversation.systemPrompt } : {}),
          messages: [...history, ...priorRows, userRow]
            .filter((m) => m.content !== "" && m.status !== "error")
            .map((m) => ({ role: m.role, content: m.content })),
        },
        onDelta: (delta) => this.publish({ type: "delta", messageId: assistantId, ...delta }),
        onProgress: () => this.checkpoint.touched(),
      });
      this.checkpoint.begin(assistantId, () => ({
        messageId: assistantId,
        content: generation.text,
        reasoning: generation.reasoning,
      }));
      const firstPrompt = priorRows.find((m) => m.role === "user")?.content ?? input.content;
      try {
        await insertTurn(this.db, this.name, [...priorRows, userRow, assistantRow], {
          model: model.id,
          titleIfEmpty: titleFrom(firstPrompt),
        });
      } catch (cause) {
        this.checkpoint.end(assistantId);
        throw cause;
      }
      this.nextPosition = position;
      await this.ctx.storage.setAlarm(Date.now() + KEEPALIVE_MS);
      const userMessage = toChatMessage(userRow);
      const assistantMessage = toChatMessage(assistantRow);
      const turn: LiveTurn = {
        generation,
        userMessage,
        assistantMessage,
        finished: Promise.resolve(),
      };
      this.turn = turn;
      this.publish({ type: "message", message: userMessage, ...(clientId ? { clientId } : {}) });
      this.publish({ type: "message", message: assistantMessage });
      const isFirstTurn = history.length === 0 && (conversation?.title ?? "") === "";
      turn.finished = this.finishTurn(turn).then(() => {
        if (isFirstTurn) return this.autoTitle(firstPrompt, generation.text);
      });
      return turn;
    } catch (cause) {
      this.busy = false;
      this.turn = null;
      throw cause;
    }
  }

  private async finishTurn(turn: LiveTurn): Promise<void> {
    const { generation } = turn;
    const final = await generation.run();
    try {
      await this.persistFinal(generation.messageId, final);
      this.checkpoint.end(generation.messageId);
    } catch (cause) {
      // The checkpoint stays: the next start of this room finalizes the message from it.
      console.error(JSON.stringify({ event: "persist_failed", room: this.name, cause: String(cause) }));
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
      }
    } catch (cause) {
      console.error(JSON.stringify({ event: "auto_title_failed", room: this.name, cause: String(cause) }));
    }
  }

  private stop(messageId?: string): void {
    const generation = this.turn?.generation;
    if (generation && (!messageId || messageId === generation.messageId)) generation.stop();
  }
}

const emptyColumns: Omit<
  Message,
  "id" | "conversationId" | "position" | "role" | "content" | "status" | "createdAt" | "updatedAt"
> = {
  parentId: null,
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
