/**
 * The message rows a turn adds: earlier messages an API client brought for a new conversation,
 * the prompt, and the empty `streaming` answer (or the stopped answer a `continue` reopens).
 * Pure: ids, positions and timestamps come in, rows go out.
 */
import type { Conversation, Message } from "../../db/schema";
import type { Subject } from "../../limits";
import type { ShapedTurn, TurnPlan } from "./plan";

export interface TurnRowsInput {
  conversationId: string;
  plan: TurnPlan;
  shaped: ShapedTurn;
  /** The position the first new row takes. */
  position: number;
  authorId: string;
  model: { id: string; provider: string };
  ownKey: boolean;
  now: number;
  newId?: () => string;
  /** What the API call set, kept with its answer (see `TurnRequest.callSettings`). */
  callSettings?: string;
}

export interface TurnRows {
  /** Rows to insert, oldest first (a reopened answer is not among them). */
  added: Message[];
  /** The answer being written: new, or the reopened one marked `streaming` again. */
  answer: Message;
  /** The stored prompt, when the turn has one. */
  prompt: Message | undefined;
  /** The answer a `continue` reopens. */
  reopened: Message | undefined;
  /** The position after the last new row. */
  nextPosition: number;
}

export function turnRows(input: TurnRowsInput): TurnRows {
  const { plan, shaped, now } = input;
  const newId = input.newId ?? (() => crypto.randomUUID());
  let position = input.position;
  const row = (
    role: Message["role"],
    content: string,
    parentId: string | null,
    extra: Partial<Message> = {},
  ) => {
    const message: Message = {
      ...EMPTY_COLUMNS,
      id: newId(),
      conversationId: input.conversationId,
      position: position++,
      parentId,
      authorId: input.authorId,
      role,
      content,
      status: "complete",
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
    return message;
  };
  const added: Message[] = [];
  let parent = shaped.parentId;
  if (plan.kind === "send") {
    for (const prior of plan.prior) {
      const calls = prior.toolCalls && prior.toolCalls.length > 0 ? JSON.stringify(prior.toolCalls) : null;
      const priorRow = row(prior.role, prior.content, parent, { toolCalls: calls });
      added.push(priorRow);
      parent = priorRow.id;
    }
  }
  let prompt: Message | undefined;
  if (shaped.prompt !== null) {
    prompt = row("user", shaped.prompt, parent);
    added.push(prompt);
    parent = prompt.id;
  }
  const reopened = plan.kind === "continue" ? shaped.target : undefined;
  const answer: Message = reopened
    ? {
        ...reopened,
        status: "streaming",
        finishReason: null,
        errorCode: null,
        errorMessage: null,
        updatedAt: now,
      }
    : row("assistant", "", parent, {
        status: "streaming",
        model: input.model.id,
        provider: input.model.provider,
        ownKey: input.ownKey,
        callSettings: input.callSettings ?? null,
      });
  if (!reopened) added.push(answer);
  return { added, answer, prompt, reopened, nextPosition: position };
}

/** The highest position any message of the conversation has (deleted ones included), or -1. */
export function lastPositionOf(rows: readonly Message[]): number {
  return rows.reduce((last, row) => Math.max(last, row.position), -1);
}

/** Every column a new message row starts without (usage, errors, tool calls, …). */
export const EMPTY_COLUMNS: Omit<
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
  usageEstimated: false,
  ownKey: false,
  deletedAt: null,
  toolCalls: null,
  callSettings: null,
  deltaMarks: null,
};

/** The row of a conversation an API client starts with its first turn. */
export function newConversation(
  id: string,
  subject: Subject,
  model: string,
  create: { systemPrompt: string; apiTokenName?: string },
  now: number,
  /** A conversation that keeps no history is stored already deleted, without its instructions. */
  forget = false,
): Conversation {
  return {
    id,
    ownerId: subject.userId,
    title: "",
    model,
    systemPrompt: forget ? "" : create.systemPrompt,
    pinnedAt: null,
    activeLeafId: null,
    forkedFrom: null,
    apiTokenName: create.apiTokenName ?? null,
    createdAt: now,
    updatedAt: now,
    deletedAt: forget ? now : null,
  };
}
