/**
 * Real-shaped Anthropic Messages streaming events and error bodies
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming).
 */
import { eventFrame, randomId } from "./sse-writer.ts";

export interface MessageStream {
  id: string;
  model: string;
}

export function newMessageStream(model: string): MessageStream {
  return { id: randomId("msg_01", 22), model };
}

export interface StartUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** Input usage of the `normal` case: a short new turn on top of a cached conversation. */
export const NORMAL_START_USAGE: StartUsage = {
  input_tokens: 12,
  cache_read_input_tokens: 2048,
  cache_creation_input_tokens: 0,
};

export function messageStartFrame(stream: MessageStream, usage: StartUsage = NORMAL_START_USAGE): string {
  return eventFrame("message_start", {
    type: "message_start",
    message: {
      id: stream.id,
      type: "message",
      role: "assistant",
      model: stream.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        ...usage,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 1,
        service_tier: "standard",
      },
    },
  });
}

export function blockStartFrame(index: number, block: Record<string, unknown>): string {
  return eventFrame("content_block_start", { type: "content_block_start", index, content_block: block });
}

export function deltaFrame(index: number, delta: Record<string, unknown>): string {
  return eventFrame("content_block_delta", { type: "content_block_delta", index, delta });
}

export function textDeltaFrames(index: number, texts: readonly string[]): string[] {
  return texts.map((text) => deltaFrame(index, { type: "text_delta", text }));
}

export function blockStopFrame(index: number): string {
  return eventFrame("content_block_stop", { type: "content_block_stop", index });
}

/**
 * `usage.output_tokens` here is the running total for the whole message, not an increment;
 * `stopSequence` is the one the model wrote when it stopped at one (`stop_sequence`).
 */
export function messageDeltaFrame(
  stopReason: string,
  usage: Record<string, number>,
  stopSequence: string | null = null,
): string {
  return eventFrame("message_delta", {
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: stopSequence },
    usage,
  });
}

export const PING_FRAME = eventFrame("ping", { type: "ping" });
export const MESSAGE_STOP_FRAME = eventFrame("message_stop", { type: "message_stop" });

/** A whole text-only message: start, one text block, delta with stop reason, stop. */
export function textMessageFrames(
  stream: MessageStream,
  texts: readonly string[],
  stopReason = "end_turn",
  outputTokens = 12,
): string[] {
  return [
    messageStartFrame(stream),
    blockStartFrame(0, { type: "text", text: "" }),
    PING_FRAME,
    ...textDeltaFrames(0, texts),
    blockStopFrame(0),
    messageDeltaFrame(stopReason, { output_tokens: outputTokens }),
    MESSAGE_STOP_FRAME,
  ];
}

export function errorEventFrame(type: string, message: string): string {
  return eventFrame("error", { type: "error", error: { details: null, type, message }, request_id: null });
}

export function streamHeaders(): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "request-id": randomId("req_011", 21),
    "anthropic-organization-id": "00000000-0000-4000-8000-00000000fa4e",
    "x-robots-tag": "none",
  };
}

/** Anthropic tells clients whether a failure is worth retrying in `x-should-retry`. */
export function errorHeaders(status: number, extra: Record<string, string> = {}): Record<string, string> {
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return { "request-id": randomId("req_011", 21), "x-should-retry": String(retryable), ...extra };
}

/** `{"type":"error","error":{type,message},"request_id"}`, Anthropic's HTTP error body. */
export function errorBody(type: string, message: string): unknown {
  return { type: "error", error: { type, message }, request_id: randomId("req_011", 21) };
}

export const RATE_LIMIT_BODY = errorBody(
  "rate_limit_error",
  "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.",
);
export const CREDIT_BODY = errorBody(
  "invalid_request_error",
  "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
);
export const API_ERROR_BODY = errorBody("api_error", "Internal server error");
export const OVERLOADED_BODY = errorBody("overloaded_error", "Overloaded");
export const BAD_REQUEST_BODY = errorBody(
  "invalid_request_error",
  "messages: text content blocks must be non-empty",
);
export const AUTH_BODY = errorBody("authentication_error", "invalid x-api-key");
export const CONTEXT_BODY = errorBody(
  "invalid_request_error",
  "prompt is too long: 208310 tokens > 200000 maximum",
);
