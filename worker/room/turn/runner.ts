/**
 * One turn, from the plan to the first frame: read (the room's copy of the conversation and the
 * person's admission facts, side by side), shape, admit, store, announce, stream. After
 * admission nothing waits for D1: the turn is durable in the room's own SQLite and reaches D1
 * through the outbox while the provider is already answering. docs/architecture.md walks through
 * it step by step.
 */
import { activePath } from "../../db/branches";
import { database, toChatMessage } from "../../db/queries";
import type { Message } from "../../db/schema";
import { AppError } from "../../errors";
import type { RateDecision, Subject } from "../../limits";
import type { GenerationSlot } from "../../limits/concurrency";
import type { ChatMessage } from "#protocol/messages";
import { frameIntervalFor } from "../coalescer";
import type { LiveCheckpoint } from "../checkpoint";
import { DeltaMarks } from "../delta-marks";
import type { Generation } from "../generation";
import { ModeratedGeneration } from "../moderated-generation";
import type { Audience } from "../presence";
import type { RoomStore } from "../store";
import { retitle } from "../auto-title";
import { notifyOwner } from "../owner";
import { visibleMessages } from "../snapshot";
import { admit } from "./admission";
import type { AdmissionCache } from "./facts";
import { CONTINUE_PROMPT, providerMessages, providerRequest } from "./context";
import { finishTurn } from "./finish";
import { answerToolResults, shapeTurn, titleFrom, uploadsOf, type TurnPlan } from "./plan";
import { lastPositionOf, newConversation, turnRows } from "./rows";
import { turnTrace, type TurnTrace } from "./trace";

const BUSY_MESSAGE = "An answer is still being written in this conversation. Wait for it or stop it first.";
export const busyError = () => new AppError(409, "conversation_busy", BUSY_MESSAGE, { retryable: true });

/** What a turn needs of its room. */
export interface TurnHost {
  readonly name: string;
  readonly env: Env;
  readonly ctx: DurableObjectState;
  readonly store: RoomStore;
  readonly checkpoint: LiveCheckpoint;
  readonly audience: Audience;
  /** What admission knows about people and models between turns. */
  readonly facts: AdmissionCache;
  /** Makes sure the room's alarm fires by `at` (it keeps a running answer from being evicted). */
  wakeBy(at: number): void;
}

export interface TurnRequest {
  plan: TurnPlan;
  subject: Subject;
  /** How the turn was asked for, for the log line (default: the plan's kind). */
  trigger?: "stream" | "api";
  /** The HTTP request that asked for it, so the generation's log line matches the request's. */
  requestId?: string;
  /** That request's W3C `traceparent`, when traces are on: the turn's spans join its trace. */
  traceParent?: string;
  /** Lets the sender match its optimistic bubble with the stored prompt. */
  clientId?: string;
  /** An API client starting a new conversation: it is created with this turn, never before. */
  create?: { systemPrompt: string; apiTokenName?: string };
  /**
   * Keep nothing of this new conversation but the answer's usage (a personal token that keeps no
   * history): it is stored already deleted, its texts blank, and its files go after the answer.
   */
  forget?: boolean;
  /** Only the conversation's owner may ask (the API: the room itself checks who owns it). */
  ownerOnly?: boolean;
  /**
   * What the API call set, as its API repeats it (stored with the answer). A call that sets it
   * can be read again as it streamed, so the answer's frame boundaries are kept too.
   */
  callSettings?: string;
  onAdmitted?: (decision: RateDecision) => void;
}

export interface LiveTurn {
  generation: Generation;
  trigger: string;
  subject: Subject;
  ownKey: boolean;
  /** The sender's concurrent-generation slot, released when the answer ends. */
  slot: GenerationSlot;
  requestId: string | undefined;
  /** Settles when the answer is final and `done` went out. */
  finished: Promise<unknown>;
  /** Store the final answer without its text (see `TurnRequest.forget`). */
  forget: boolean;
  /** The answer's frame boundaries, recorded when the call can be replayed (`callSettings`). */
  marks: DeltaMarks | null;
  /** The turn's spans; null unless traces are configured. */
  trace: TurnTrace | null;
}

/** While a generation runs, an alarm this often keeps the object from being evicted as idle. */
export const KEEPALIVE_MS = 30_000;

export class TurnRunner {
  /** Set synchronously when a turn or a reshape is accepted, before any await, so two cannot race. */
  private busy = false;
  current: LiveTurn | null = null;

  constructor(private readonly host: TurnHost) {}

  get generation(): Generation | undefined {
    return this.current?.generation;
  }

  /** Runs `change` with the room to itself (no turn may start meanwhile), or refuses as busy. */
  async exclusive<T>(change: () => Promise<T>): Promise<T> {
    if (this.busy) throw busyError();
    this.busy = true;
    try {
      return await change();
    } finally {
      this.busy = false;
    }
  }

  stop(messageId?: string): void {
    const generation = this.current?.generation;
    if (generation && (!messageId || messageId === generation.messageId)) generation.stop();
  }

  /**
   * Admits a turn and starts its answer in this object, independent of whoever asked: stores the
   * prompt (new or edited) with an empty `streaming` answer, or reopens a stopped one, tells
   * every device, and streams.
   */
  async start(request: TurnRequest): Promise<LiveTurn> {
    if (this.busy) throw busyError();
    this.busy = true;
    let slot: GenerationSlot | null = null;
    const trace = turnTrace(
      this.host.env,
      request.traceParent,
      this.host.name,
      request.trigger ?? request.plan.kind,
    );
    try {
      const { env, store } = this.host;
      const { plan, subject } = request;
      const db = database(env.DB);
      const plannedModel = plan.kind === "continue" ? undefined : plan.model;
      // Both from memory in a warm room; on a cold start, two D1 reads side by side.
      const [state, facts] = await Promise.all([
        request.create && !store.cached && !store.outbox.size ? store.startNew() : store.read(),
        this.host.facts.read(db, subject, plannedModel, uploadsOf(plan)),
      ]);
      const existing =
        state.conversation && state.conversation.deletedAt === null ? state.conversation : undefined;
      const mine = existing && (!request.ownerOnly || existing.ownerId === subject.userId);
      // Someone else's conversation answers exactly like one that does not exist.
      if (!request.create && !mine) throw new AppError(404, "not_found", "Conversation not found.");
      if (request.create && state.conversation)
        throw new AppError(409, "conflict", "That conversation already exists.");
      // Read before the turn's own rows land in the same copy.
      const forget = Boolean(request.create && request.forget);
      const isFirstTurn = state.rows.length === 0 && (existing?.title ?? "") === "" && !forget;
      const shown = activePath(state.rows, existing?.activeLeafId ?? null);
      const after = plan.kind === "send" ? branchPoint(state.rows, plan.after) : undefined;
      // A prompt after an earlier answer starts a branch there, and every device is moved to it.
      const branching = after !== undefined && after.id !== shown.at(-1)?.id;
      const path = branching ? activePath(state.rows, after.id) : shown;
      const shaped = shapeTurn(plan, state.rows, path);
      // An API client's tool results complete the last answer: the model reads them with it.
      const answered = answerToolResults(plan, path);
      if (answered) shaped.context = shaped.context.map((row) => (row.id === answered.id ? answered : row));
      const admission = () =>
        admit({
          env,
          db,
          conversationId: this.host.name,
          subject,
          plan,
          shaped,
          facts,
          findModel: (id) => this.host.facts.model(db, id),
        });
      const admitted = await (trace ? trace.admission(admission) : admission());
      slot = admitted.slot;
      if (admitted.rate) request.onAdmitted?.(admitted.rate);
      const { model, uploads } = admitted;

      const now = Date.now();
      const rows = turnRows({
        conversationId: this.host.name,
        plan,
        shaped,
        position: lastPositionOf(state.rows) + 1,
        authorId: subject.userId,
        model,
        ownKey: admitted.ownKey,
        now,
        ...(request.callSettings !== undefined && !forget ? { callSettings: request.callSettings } : {}),
      });
      const answerId = rows.answer.id;
      const promptId = rows.prompt?.id;
      const attached = promptId
        ? uploads.map((file) => ({ ...file, messageId: promptId, conversationId: this.host.name }))
        : [];
      // An edited prompt keeps the files of the version it replaces, as a fresh send would.
      const copies =
        promptId && plan.kind === "edit"
          ? (state.files.get(plan.messageId) ?? []).map((file) => ({
              ...file,
              id: crypto.randomUUID(),
              messageId: promptId,
            }))
          : [];
      const sentFiles = [...copies, ...attached];
      const files = new Map(state.files);
      if (rows.prompt && sentFiles.length > 0) files.set(rows.prompt.id, sentFiles);
      const contextPath = [...shaped.context, ...rows.added.filter((row) => row.id !== answerId)];
      const messages = await providerMessages(env.ATTACHMENTS, contextPath, files, model);
      if (rows.reopened) {
        messages.push({ role: "assistant", content: rows.reopened.content });
        messages.push({ role: "user", content: CONTINUE_PROMPT });
      }
      const systemPrompt = request.create?.systemPrompt ?? existing?.systemPrompt;
      const apiExtras = plan.kind === "send" ? (plan.api ?? {}) : {};
      const marks = rows.answer.callSettings !== null ? new DeltaMarks() : null;
      const generation = new ModeratedGeneration(this.host, subject.userId, {
        messageId: answerId,
        startedAt: now,
        model,
        provider: admitted.provider,
        request: providerRequest(model, admitted.options, systemPrompt, messages, apiExtras),
        clientTools: (apiExtras.tools?.length ?? 0) > 0,
        onDelta: (delta) => {
          marks?.delta(delta);
          if (trace) trace.frames++;
          this.host.audience.publish({ type: "delta", messageId: answerId, ...delta });
        },
        onProgress: () => this.host.checkpoint.touched(),
        onTool: (call) => {
          if (call.result === null) marks?.call();
          if (trace) trace.frames++;
          this.host.audience.publish({ type: "tool", messageId: answerId, call });
        },
        frameIntervalMs: () => frameIntervalFor(this.host.audience.size),
        ...(rows.reopened
          ? {
              initial: {
                text: rows.reopened.content,
                reasoning: rows.reopened.reasoning,
                usage: toChatMessage(rows.reopened).usage,
              },
            }
          : {}),
      });

      // Durable before anyone hears of it: the checkpoint entry and the turn's rows are in this
      // object's storage, and the output gate holds every frame below until they are on disk.
      this.host.checkpoint.begin(answerId, () => ({
        messageId: answerId,
        content: generation.text,
        reasoning: generation.reasoning,
      }));
      const firstPrompt = rows.added.find((row) => row.role === "user")?.content ?? shaped.prompt ?? "";
      if (request.create) {
        store.write({
          kind: "conversation",
          row: newConversation(this.host.name, subject, model.id, request.create, now, forget),
          ownerKind: subject.kind,
        });
      }
      const inD1 = store.write({
        kind: "turn",
        conversationId: this.host.name,
        rows: forget ? rows.added.map(blankRow) : rows.added,
        ...(rows.reopened ? { reopen: { id: rows.reopened.id, at: now } } : {}),
        bump: { at: now, activeLeafId: answerId, model: model.id, titleIfEmpty: titleFrom(firstPrompt) },
        ...(attached.length > 0 ? { attach: { rows: attached, ownerId: subject.userId } } : {}),
        ...(copies.length > 0 ? { copies } : {}),
        ...(answered?.toolCalls
          ? { answered: { messageId: answered.id, toolCalls: answered.toolCalls } }
          : {}),
      });
      this.host.ctx.waitUntil(inD1);
      this.host.wakeBy(now + KEEPALIVE_MS);

      const running = generation.run();
      const turn: LiveTurn = {
        generation,
        trigger: request.trigger ?? plan.kind,
        subject,
        ownKey: admitted.ownKey,
        slot,
        requestId: request.requestId,
        finished: Promise.resolve(),
        forget,
        marks,
        trace,
      };
      this.current = turn;
      this.announce(request, rows.added, rows.prompt?.id, sentFiles, toChatMessage(rows.answer), branching);
      this.notifyOwner();
      turn.finished = finishTurn(this.host, turn, running, () => {
        this.current = null;
        this.busy = false;
      }).then((final) => {
        this.notifyOwner();
        if (isFirstTurn) return retitle(this.host, firstPrompt, final.content, () => this.notifyOwner());
      });
      return turn;
    } catch (cause) {
      this.busy = false;
      this.current = null;
      trace?.failed(cause, (promise) => this.host.ctx.waitUntil(promise));
      await slot?.release().catch(() => undefined);
      throw cause;
    }
  }

  /** Tells every device about the turn's messages: new ones in order, or the reshaped branch. */
  private announce(
    request: TurnRequest,
    added: readonly ChatMessageSource[],
    promptId: string | undefined,
    sentFiles: readonly { id: string }[],
    answer: ChatMessage,
    branching: boolean,
  ): void {
    const { plan, clientId } = request;
    const { audience, store } = this.host;
    if (plan.kind === "continue") {
      audience.publish({ type: "message", message: answer });
      return;
    }
    if (plan.kind === "send" && !branching) {
      const state = store.cached;
      for (const row of added) {
        const message = toChatMessage(row);
        const files = row.id === promptId && sentFiles.length > 0 ? state?.files.get(row.id) : undefined;
        if (files)
          message.attachments = files.map(({ id, name, mimeType, kind, size }) => ({
            id,
            name,
            mimeType,
            kind,
            size,
          }));
        const mine = row.role === "user" && clientId !== undefined;
        audience.publish({ type: "message", message, ...(mine ? { clientId } : {}) });
      }
      return;
    }
    const state = store.cached;
    if (state) audience.publish({ type: "path", messages: visibleMessages(state) });
  }

  notifyOwner(): void {
    notifyOwner(this.host);
  }
}

type ChatMessageSource = Parameters<typeof toChatMessage>[0];

/** The answer a prompt is sent after (`TurnPlan` send's `after`): one of this conversation, not deleted, not being written. */
function branchPoint(rows: readonly Message[], id: string | undefined): Message | undefined {
  if (id === undefined) return undefined;
  const row = rows.find((candidate) => candidate.id === id);
  if (!row || row.role !== "assistant" || row.deletedAt !== null || row.status === "streaming") {
    throw new AppError(404, "not_found", "That answer is not in this conversation.");
  }
  return row;
}

/** A row of a conversation that keeps no history: no text, only what usage needs. */
function blankRow(row: Message): Message {
  return { ...row, content: "", reasoning: "", toolCalls: null, callSettings: null };
}
