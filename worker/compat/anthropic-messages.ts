/**
 * Parley's Anthropic Messages dialect (`POST /v1/messages`): the call is parsed into the shared
 * `ApiTurnInput` (anthropic-messages-request.ts), the room's events go back as Anthropic's SSE
 * stream (anthropic-messages-stream.ts) or, here, as one `message` object; refusals in Anthropic's
 * error shape. Any catalogue model answers this way, whoever its provider is.
 */
import type { CatalogueModel } from "../providers/catalogue";
import { AppError } from "../errors";
import {
  errorBody,
  errorTypeOf,
  failureOf,
  stopReasonOf,
  wireMessageId,
  wireUsage,
} from "./anthropic-messages-wire";
import type { ApiTurnEvent, StartedApiTurn } from "./contract";
import { CompatError } from "./errors";

export { parseMessagesCall, type ParsedMessagesCall } from "./anthropic-messages-request";
export { messagesStream } from "./anthropic-messages-stream";

type ContentBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

function inputOf(argumentsText: string): unknown {
  try {
    return JSON.parse(argumentsText || "{}");
  } catch {
    return {};
  }
}

/** Adds one piece of the answer: text and reasoning extend a block of their kind that is last. */
function append(content: ContentBlock[], event: Exclude<ApiTurnEvent, { type: "done" }>): void {
  const last = content.at(-1);
  if (event.type === "tool_call") {
    const { id, name } = event.call;
    content.push({ type: "tool_use", id, name, input: inputOf(event.call.arguments) });
  } else if (!event.text) return;
  else if (event.type === "text") {
    if (last?.type === "text") last.text += event.text;
    else content.push({ type: "text", text: event.text });
  } else if (last?.type === "thinking") last.thinking += event.text;
  else content.push({ type: "thinking", thinking: event.text, signature: "" });
}

/** The whole answer as one `message`; a failed answer is an error response, never a partial message. */
export async function messagesObject(turn: StartedApiTurn): Promise<Response> {
  const content: ContentBlock[] = [];
  let done: Extract<ApiTurnEvent, { type: "done" }> | undefined;
  try {
    for await (const event of turn.events) {
      if (event.type === "done") {
        done = event;
        break;
      }
      append(content, event);
    }
  } catch {
    // The events broke off: reported below like an answer that ended without `done`.
  }
  const stopReason = done ? stopReasonOf(done.finishReason) : null;
  if (!done || stopReason === null) {
    const failure = failureOf(done?.error ?? null);
    return Response.json(errorBody(failure.type, failure.message), {
      status: failure.status,
      headers: turn.headers,
    });
  }
  const message = {
    id: wireMessageId(turn.messageId),
    type: "message",
    role: "assistant",
    model: turn.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: wireUsage(done.usage),
  };
  return Response.json(message, { headers: turn.headers });
}

/**
 * Parley's statuses as Anthropic's: an unknown model is Anthropic's 404, a server at capacity its
 * 529 "overloaded"; the rest (a misconfigured server's 503 too) keep their status.
 */
function statusOf(error: AppError): number {
  if (error.code === "unknown_model") return 404;
  // A server that cannot run as configured is not at capacity: the same 503 as every route.
  if (error.code === "misconfigured") return 503;
  if (error.status === 503) return 529;
  return error.status;
}

/** A refusal in Anthropic's shape `{type:"error", error:{type, message}}`, with Retry-After where known. */
export function anthropicError(error: AppError | CompatError): Response {
  if (error instanceof CompatError) {
    const named = error.param && !error.message.startsWith(error.param);
    const message = named ? `${error.param}: ${error.message}` : error.message;
    return Response.json(errorBody(errorTypeOf(error.status), message), { status: error.status });
  }
  const status = statusOf(error);
  const headers = new Headers(error.headers);
  if (error.retryAfterMs !== undefined && !headers.has("retry-after")) {
    headers.set("retry-after", String(Math.ceil(error.retryAfterMs / 1000)));
  }
  // The compatible API lists its models at its own path.
  const message = error.publicMessage.replace("GET /api/v1/models", "GET /v1/models");
  return Response.json(errorBody(errorTypeOf(status), message), { status, headers });
}

/** One catalogue model as Anthropic's model object (no release dates are kept: the epoch stands in). */
export function anthropicModel(model: CatalogueModel) {
  return {
    type: "model" as const,
    id: model.id,
    display_name: model.name,
    created_at: new Date(0).toISOString(),
  };
}

/** The catalogue as Anthropic's model list: one page holding every model. */
export function anthropicModelList(models: CatalogueModel[]) {
  return {
    data: models.map(anthropicModel),
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  };
}
