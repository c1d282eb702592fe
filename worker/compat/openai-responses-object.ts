/**
 * A Responses answer as one `response` object: the whole answer of a call made without
 * `stream` (written by the same `ResponseEventWriter` as the stream, so both carry the same
 * items and ids), and a stored answer read back with `GET /v1/responses/{id}`.
 */
import type { AnswerRow } from "../room/api-answers";
import type { ErrorInfo, FinishReason, Usage } from "#protocol/messages";
import { parseToolCalls } from "../db/queries";
import { logError } from "../observability/log";
import type { StartedApiTurn } from "./contract";
import { failureResponse } from "./openai-errors";
import type { ResponseSettings } from "./openai-responses-request";
import { headOf, ResponseEventWriter } from "./openai-responses-stream";
import {
  endOf,
  functionCallItem,
  itemIdOf,
  messageItem,
  reasoningItem,
  responseBody,
  responseIdOf,
  type OutputItem,
  type ResponseStatus,
} from "./openai-responses-wire";

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
 * A stored answer as a `response` object. The row keeps the answer, not the call's settings, so
 * those read as their defaults: the instructions are the conversation's system prompt, and
 * `tools` lists none. The output is rebuilt in the order the stream wrote it: reasoning, then the
 * text cut at each call's offset, each call after the text before it.
 */
export function storedResponse({ message, systemPrompt }: StoredAnswer) {
  const { status, finish, error } = statusOf(message);
  const end = status === "in_progress" ? undefined : endOf(finish, error);
  const settings: ResponseSettings = {
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
  const usage: Usage | null =
    message.inputTokens === null || message.outputTokens === null
      ? null
      : {
          inputTokens: message.inputTokens,
          outputTokens: message.outputTokens,
          cachedInputTokens: message.cachedInputTokens ?? 0,
          reasoningTokens: message.reasoningTokens ?? 0,
          costUsd: message.costUsd ?? 0,
        };
  return responseBody(
    {
      id: responseIdOf(message.id),
      createdAt: Math.floor(message.createdAt / 1000),
      model: message.model ?? "",
      settings,
    },
    {
      status: end?.status ?? status,
      output: storedOutput(message, end?.status ?? status),
      usage,
      ...(end ? { end } : {}),
    },
  );
}

function statusOf(message: StoredAnswer["message"]): {
  status: ResponseStatus;
  finish: FinishReason | null;
  error: ErrorInfo | null;
} {
  switch (message.status) {
    case "streaming":
      return { status: "in_progress", finish: null, error: null };
    case "stopped":
      return { status: "cancelled", finish: "stopped", error: null };
    case "interrupted":
      return { status: "incomplete", finish: "interrupted", error: null };
    case "error":
      return {
        status: "failed",
        finish: "error",
        error: {
          code: message.errorCode ?? "internal_error",
          message: message.errorMessage ?? "The answer failed.",
          retryable: false,
        },
      };
    case "complete":
      return {
        status: "completed",
        finish: (message.finishReason as FinishReason | null) ?? "stop",
        error: null,
      };
  }
}

function storedOutput(message: StoredAnswer["message"], status: ResponseStatus): OutputItem[] {
  const output: OutputItem[] = [];
  const itemStatus =
    status === "completed" ? "completed" : status === "in_progress" ? "in_progress" : "incomplete";
  if (message.reasoning !== "") output.push(reasoningItem(itemIdOf("rs", message.id, 0), message.reasoning));
  let at = 0;
  const text = (end: number, last: boolean) => {
    const slice = message.content.slice(at, end);
    at = end;
    if (slice !== "") {
      output.push(
        messageItem(itemIdOf("msg", message.id, output.length), last ? itemStatus : "completed", slice),
      );
    }
  };
  const calls = message.toolCalls ? parseToolCalls(message.toolCalls) : [];
  for (const call of calls) {
    text(Math.min(Math.max(call.offset, at), message.content.length), false);
    output.push(
      functionCallItem(itemIdOf("fc", message.id, output.length), "completed", call, call.arguments),
    );
  }
  text(message.content.length, true);
  return output;
}
