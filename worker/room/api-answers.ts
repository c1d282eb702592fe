/**
 * What the Responses API asks a room about one of its answers once it has started
 * (worker/compat/responses-room.ts calls these over RPC): the answer as it stands now, Stop, and
 * deletion. The room is the only writer of its messages and the only one that knows the text of
 * an answer still being written (D1 gets it when the answer ends), so these are asked here rather
 * than read from D1.
 */
import type { Message } from "../db/schema";
import { AppError } from "../errors";
import { frameToApiEvents, line } from "./api-request";
import { callsOf, doneOf, replayEvents } from "./delta-marks";
import type { Audience } from "./presence";
import { reshape } from "./reshape";
import type { RoomStore } from "./store";
import type { TurnRunner } from "./turn/runner";

/** The columns of an answer that a `response` object is built from. */
export type AnswerRow = Pick<
  Message,
  | "id"
  | "content"
  | "reasoning"
  | "model"
  | "status"
  | "finishReason"
  | "errorCode"
  | "errorMessage"
  | "inputTokens"
  | "outputTokens"
  | "cachedInputTokens"
  | "reasoningTokens"
  | "costUsd"
  | "toolCalls"
  | "callSettings"
  | "deltaMarks"
  | "createdAt"
>;

/** How long Stop waits for the answer's `done` before it answers with the row as it is. */
const STOP_WAITS_MS = 15_000;

export interface AnswerRoom {
  store: RoomStore;
  audience: Audience;
  turns: TurnRunner;
  name: string;
}

/**
 * The answer `messageId` as it stands: its stored row, with the text written so far when it is
 * the one being written. Null when it is not an answer of this conversation, or was deleted.
 */
export async function answerNow(room: AnswerRoom, messageId: string): Promise<AnswerRow | null> {
  const state = await room.store.read();
  const row = state.rows.find(
    (message) => message.id === messageId && message.role === "assistant" && message.deletedAt === null,
  );
  if (!row) return null;
  const answer = pick(row);
  const generation = room.turns.generation;
  if (generation?.messageId === messageId && row.status === "streaming") {
    answer.content = generation.text;
    answer.reasoning = generation.reasoning;
    if (generation.toolCalls.length > 0) answer.toolCalls = JSON.stringify(generation.toolCalls);
  }
  return answer;
}

/**
 * Stop, as a device's Stop frame does (every device sees the answer end), then the final answer
 * once its `done` went out, which is after D1 has it.
 */
export async function stopAnswer(room: AnswerRoom, messageId: string): Promise<AnswerRow | null> {
  await stopAndSettle(room, messageId);
  return answerNow(room, messageId);
}

/**
 * The answer's events from its start, as an API client following it from the start got them
 * (one JSON line each, like `POST /api-turn`), then, while it is still being written, its live
 * events up to `done`. Null when it is not an answer of this conversation.
 *
 * The replay and the live events meet without a gap or an overlap: the replay holds the text
 * the marks say went out (text still waiting for its frame comes live), and the listener is
 * attached in the same turn of the event loop as the text and marks are read.
 */
export async function followAnswer(
  room: AnswerRoom,
  messageId: string,
): Promise<ReadableStream<Uint8Array> | null> {
  const state = await room.store.read();
  const row = state.rows.find(
    (message) => message.id === messageId && message.role === "assistant" && message.deletedAt === null,
  );
  if (!row) return null;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const write = (chunks: Uint8Array[]) => {
    for (const chunk of chunks) writer.write(chunk).catch(() => unsubscribe());
  };
  let unsubscribe = () => {};
  const live = room.turns.current;
  if (live?.generation.messageId === messageId && row.status === "streaming") {
    const { generation } = live;
    unsubscribe = room.audience.subscribe((frame) => {
      write(frameToApiEvents(frame, messageId));
      if (frame.type === "done" && frame.messageId === messageId) {
        unsubscribe();
        writer.close().catch(() => undefined);
      }
    });
    const sofar = {
      content: generation.text,
      reasoning: generation.reasoning,
      toolCalls: generation.toolCalls,
    };
    write(replayEvents(sofar, live.marks?.toString() ?? null).map(line));
    return readable;
  }
  const done = doneOf(row);
  const events = replayEvents(
    { content: row.content, reasoning: row.reasoning, toolCalls: callsOf(row.toolCalls) },
    row.deltaMarks,
  );
  write([...events, ...(done ? [done] : [])].map(line));
  writer.close().catch(() => undefined);
  return readable;
}

export type DeleteOutcome = "deleted" | "missing" | "busy";

/**
 * Deletes the answer as a device's "delete message" does (every device gets the new path), after
 * stopping it if it is still being written; resolves once D1 has the deletion, so a read right
 * after does not find it. Another answer being written in the conversation makes it `busy`.
 */
export async function deleteAnswer(room: AnswerRoom, messageId: string): Promise<DeleteOutcome> {
  if (!(await answerNow(room, messageId))) return "missing";
  await stopAndSettle(room, messageId);
  try {
    await room.turns.exclusive(() =>
      reshape(room.store, room.audience, room.name, { type: "delete_message", messageId }),
    );
  } catch (cause) {
    const failure = AppError.from(cause);
    if (failure.status === 409) return "busy";
    if (failure.status === 404) return "missing";
    throw cause;
  }
  await room.store.outbox.flush();
  return "deleted";
}

/** Stops `messageId` if it is being written, and waits until its `done` has gone out. */
async function stopAndSettle(room: AnswerRoom, messageId: string): Promise<void> {
  if (room.turns.generation?.messageId !== messageId) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe = () => {};
  await new Promise<void>((resolve) => {
    unsubscribe = room.audience.subscribe((frame) => {
      if (frame.type === "done" && frame.messageId === messageId) resolve();
    });
    timer = setTimeout(resolve, STOP_WAITS_MS);
    room.turns.stop(messageId);
  });
  clearTimeout(timer);
  unsubscribe();
}

function pick(row: Message): AnswerRow {
  return {
    id: row.id,
    content: row.content,
    reasoning: row.reasoning,
    model: row.model,
    status: row.status,
    finishReason: row.finishReason,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedInputTokens: row.cachedInputTokens,
    reasoningTokens: row.reasoningTokens,
    costUsd: row.costUsd,
    toolCalls: row.toolCalls,
    callSettings: row.callSettings,
    deltaMarks: row.deltaMarks,
    createdAt: row.createdAt,
  };
}
