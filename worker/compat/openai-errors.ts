/**
 * Parley's refusals and failed answers in OpenAI's error shape, `{error:{message,type,param,code}}`
 * with the status OpenAI would use, so that each SDK raises its own class (`AuthenticationError`,
 * `NotFoundError`, `RateLimitError`…) and retries only what is worth retrying.
 */
import type { ErrorInfo } from "#protocol/messages";
import { AppError, type ErrorStatus } from "../errors";
import type { ApiTurnEvent } from "./contract";
import { CompatError } from "./errors";

type DoneEvent = Extract<ApiTurnEvent, { type: "done" }>;

export interface OpenAIErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

interface Described {
  status: ErrorStatus;
  body: OpenAIErrorBody;
  retryable: boolean;
}

const RATE_LIMITED = new Set(["rate_limited", "too_many_generations", "too_many_attempts"]);

function describeAppError(error: AppError): Described {
  const message = error.publicMessage;
  const plain = (
    status: ErrorStatus,
    type: string,
    code: string | null = error.code,
    param: string | null = null,
  ) => ({
    status,
    body: { message, type, param, code },
    retryable: error.retryable,
  });
  if (error.code === "unknown_model") {
    const found = plain(404, "invalid_request_error", "model_not_found", "model");
    // The compatible API lists its models at its own path.
    return {
      ...found,
      body: { ...found.body, message: message.replace("GET /api/v1/models", "GET /v1/models") },
    };
  }
  // The month's allowance comes back on the 1st: retrying within seconds cannot help.
  if (error.code === "quota_exhausted")
    return { ...plain(429, "insufficient_quota", "insufficient_quota"), retryable: false };
  if (RATE_LIMITED.has(error.code)) return plain(429, "rate_limit_error", "rate_limit_exceeded");
  if (error.code === "content_blocked")
    return plain(400, "invalid_request_error", "content_policy_violation");
  if (error.code === "prompt_too_long")
    return plain(400, "invalid_request_error", "string_above_max_length", "messages");
  if (error.status === 401) return plain(401, "authentication_error", "invalid_api_key");
  if (error.status === 403) return plain(403, "permission_error");
  if (error.status >= 500) return plain(error.status, "server_error");
  return plain(error.status, "invalid_request_error");
}

/** A refusal (before any answer) as OpenAI's error response, with AppError's extra headers kept. */
export function openAIError(error: AppError | CompatError): Response {
  const headers = new Headers();
  let described: Described;
  if (error instanceof CompatError) {
    described = {
      status: error.status,
      body: { message: error.message, type: error.type, param: error.param, code: error.code },
      retryable: error.status === 429 || error.status >= 500,
    };
  } else {
    described = describeAppError(error);
    for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
    if (error.retryAfterMs !== undefined) {
      if (!headers.has("retry-after"))
        headers.set("retry-after", String(Math.ceil(error.retryAfterMs / 1000)));
      // The SDKs prefer this one: a wait below a second is not rounded up.
      headers.set("retry-after-ms", String(error.retryAfterMs));
    }
  }
  // openai-node and openai-python obey this header over their own status rules.
  headers.set("x-should-retry", String(described.retryable));
  return Response.json({ error: described.body }, { status: described.status, headers });
}

/**
 * An answer that failed (`done` with an error) as OpenAI would report it: the type and code for
 * an in-stream error event, and the status for a whole response. What the client can fix (a
 * prompt too long, a request the provider refused) is a 4xx; the provider's own trouble is 5xx.
 */
export function describeFailure(info: ErrorInfo): Described {
  const failure = (status: ErrorStatus, type: string, code: string) => ({
    status,
    body: { message: info.message, type, param: null, code },
    retryable: info.retryable,
  });
  switch (info.code) {
    case "content_filtered":
      return failure(400, "invalid_request_error", "content_policy_violation");
    case "context_too_long":
      return failure(400, "invalid_request_error", "context_length_exceeded");
    case "bad_request":
      return failure(400, "invalid_request_error", "upstream_bad_request");
    case "rate_limited":
      return failure(429, "rate_limit_error", "rate_limit_exceeded");
    case "quota_exhausted":
      return failure(429, "insufficient_quota", "insufficient_quota");
    case "overloaded":
      return failure(503, "server_error", "overloaded");
    case "upstream_timeout":
      return failure(504, "server_error", "upstream_timeout");
    default:
      return failure(502, "server_error", info.code);
  }
}

/** A failed answer's error, for a whole (non-streaming) response. */
export function failureResponse(info: ErrorInfo, headers: Record<string, string>): Response {
  const described = describeFailure(info);
  const all = new Headers(headers);
  all.set("x-should-retry", String(described.retryable));
  return Response.json({ error: described.body }, { status: described.status, headers: all });
}

export const BROKEN_STREAM: ErrorInfo = {
  code: "internal_error",
  message: "Parley failed while streaming this answer.",
  retryable: true,
};

/** Why the answer failed, or null when it ended (even if stopped). */
export function failureOf(done: DoneEvent | undefined): ErrorInfo | null {
  if (!done) return BROKEN_STREAM;
  if (done.error) return done.error;
  if (done.finishReason === "error") return BROKEN_STREAM;
  if (done.finishReason === "interrupted") {
    return { code: "interrupted", message: "The answer was interrupted before it ended.", retryable: true };
  }
  return null;
}
