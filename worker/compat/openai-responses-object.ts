/**
 * A Responses answer as one `response` object: the whole answer of a call made without
 * `stream` (written by the same `ResponseEventWriter` as the stream, so both carry the same
 * items and ids), and a stored answer read back with `GET /v1/responses/{id}`.
 */
import type { AnswerRow } from "../room/api-answers";
import { callsOf, doneOf, replayEvents } from "../room/delta-marks";
import { logError } from "../observability/log";
import type { ApiTurnEvent, StartedApiTurn } from "./contract";
import { failureResponse } from "./openai-errors";
import type { ResponseSettings } from "./openai-responses-request";
import { headOf, ResponseEventWriter } from "./openai-responses-stream";
import { responseBody, responseIdOf, type ResponseHead } from "./openai-responses-wire";

/**
 * The whole answer, once it has ended. A failed answer is answered with its error (and status)
 * even when some text came before the failure, as Chat Completions does: a 200 would pass a
 * truncated answer off as whole. The partial text is kept, and `retrieve` reads it back.
 */
export async function responseObject(
  turn: StartedApiTurn,
  call: { settings: ResponseSettings },
): Promise<Response> {
  const writer = new ResponseEventWriter(headOf(turn, call.settings), turn.messageId);
  let ended = false;
  try {
    for await (const event of turn.events) {
      writer.push(event);
      if (event.type === "done") {
        ended = true;
        break;
      }
    }
  } catch (cause) {
    logError("compat_stream_failed", { dialect: "responses", messageId: turn.messageId, cause });
  }
  if (!ended) writer.brokenOff();
  const response = writer.response;
  const { failure } = writer;
  if (failure) {
    const kept =
      turn.url && response.output.length > 0
        ? ` The partial answer is kept: GET /v1/responses/${response.id}, or ${turn.url}`
        : "";
    return failureResponse({ ...failure, message: `${failure.message}${kept}` }, turn.headers);
  }
  return Response.json(response, { headers: turn.headers });
}

/**
 * A background call's answer: the response as it starts, at once. The room writes the answer
 * whether anyone listens or not, so this call lets go of its stream (nothing buffers for a reader
 * that never comes); `retrieve` and `cancel` follow it from here.
 */
export function backgroundResponse(turn: StartedApiTurn, call: { settings: ResponseSettings }): Response {
  void turn.events[Symbol.asyncIterator]().return?.();
  const response = responseBody(headOf(turn, call.settings), {
    status: "in_progress",
    output: [],
    usage: null,
  });
  return Response.json(response, { headers: turn.headers });
}

/** What `retrieve` knows of a stored answer: its row, and its conversation's instructions. */
export interface StoredAnswer {
  /** The answer's row, as the room keeps it (worker/room/api-answers.ts). */
  message: AnswerRow;
  systemPrompt: string;
}

/**
 * Who a stored response is: its id, start, model, and the settings of the call that asked for
 * it. An answer that no Responses call asked for (one from the app, or Chat Completions) reads
 * with the defaults: the conversation's system prompt as its instructions, and no tools.
 */
export function storedHead({ message, systemPrompt }: StoredAnswer): ResponseHead {
  return {
    id: responseIdOf(message.id),
    createdAt: Math.floor(message.createdAt / 1000),
    model: message.model ?? "",
    settings: (message.callSettings && settingsFrom(message.callSettings)) || defaultSettings(systemPrompt),
  };
}

/** The stored answer's events from its start, `done` included once it has ended. */
export function storedEvents({ message }: StoredAnswer): ApiTurnEvent[] {
  const answer = {
    content: message.content,
    reasoning: message.reasoning,
    toolCalls: callsOf(message.toolCalls),
  };
  const done = doneOf(message);
  return [...replayEvents(answer, message.deltaMarks), ...(done ? [done] : [])];
}

/**
 * A stored answer as a `response` object: its events written again by the stream's writer, so
 * `retrieve` shows the items, ids and statuses the stream showed (the text so far, while the
 * answer is still being written).
 */
export function storedResponse(stored: StoredAnswer) {
  const writer = new ResponseEventWriter(storedHead(stored), stored.message.id);
  for (const event of storedEvents(stored)) writer.push(event);
  return writer.inProgress;
}

function settingsFrom(json: string): ResponseSettings | null {
  try {
    return JSON.parse(json) as ResponseSettings;
  } catch {
    return null;
  }
}

function defaultSettings(systemPrompt: string): ResponseSettings {
  return {
    background: false,
    instructions: systemPrompt === "" ? null : systemPrompt,
    max_output_tokens: null,
    metadata: {},
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
  };
}
