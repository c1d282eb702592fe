/**
 * The pieces of Anthropic's Messages answers both writers share (the SSE stream and the single
 * `message` object): ids, stop reasons, usage, and the error shape with its type per status
 * (https://docs.anthropic.com/en/api/errors).
 */
import type { ErrorInfo, FinishReason, Usage } from "#protocol/messages";

export type StopReason = "end_turn" | "max_tokens" | "tool_use" | "refusal";

/**
 * `null` for an answer that failed: Anthropic reports those as errors, never as a stop reason.
 * Stop pressed in a browser ends the answer normally, with the text so far.
 */
export function stopReasonOf(reason: FinishReason): StopReason | null {
  switch (reason) {
    case "stop":
    case "stopped":
      return "end_turn";
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    case "interrupted":
    case "error":
      return null;
  }
}

export const wireMessageId = (messageId: string) => `msg_${messageId}`;

export interface WireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
}

/** Anthropic counts cache reads apart from `input_tokens`; Parley's input count includes them. */
export function wireUsage(usage: Usage | null): WireUsage {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const cached = usage.cachedInputTokens;
  return {
    input_tokens: usage.inputTokens - (cached ?? 0),
    output_tokens: usage.outputTokens,
    ...(cached !== undefined ? { cache_read_input_tokens: cached } : {}),
  };
}

/** Anthropic's error type for an HTTP status. */
export function errorTypeOf(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 409:
      return "conflict_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

export function errorBody(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

const FAILURE_STATUS: Record<string, number> = {
  overloaded: 529,
  rate_limited: 429,
  upstream_timeout: 504,
  context_too_long: 400,
  bad_request: 400,
  content_filtered: 400,
  model_not_found: 404,
};

/**
 * An answer that failed, as the status a non-streaming call answers with: what the client can
 * act on (back off, shorten, pick another model) keeps its meaning; Parley's own upstream key or
 * account problems are a plain 500, since the caller's token is not at fault.
 */
export function failureOf(error: ErrorInfo | null): { status: number; type: string; message: string } {
  const status = (error && FAILURE_STATUS[error.code]) ?? 500;
  return { status, type: errorTypeOf(status), message: error?.message ?? "The answer failed. Try again." };
}
