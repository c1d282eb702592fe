/**
 * Upstream failures → the `{code, message, retryable}` users see. Messages are ours, written for
 * people; the upstream's own text is only quoted (sanitized) where it says what to fix.
 */
import type { ErrorInfo } from "#protocol/messages";

/** A failed upstream call in provider-neutral terms, filled in by each adapter from its SDK error. */
export interface UpstreamFailure {
  /** HTTP status; undefined when the error arrived as an event inside a 200 stream. */
  status?: number;
  headers?: Headers;
  /** The body's error type, e.g. `rate_limit_error`, `invalid_request_error`. */
  type?: string;
  /** The body's error code, e.g. `insufficient_quota`, `context_length_exceeded`, "502". */
  code?: string;
  message?: string;
  /** A retry wait the body asked for (Gemini's `RetryInfo.retryDelay`); wins over headers. */
  retryAfterMs?: number;
}

const KEY_LIKE = /\b(?:sk|pk|rk|key)[-_][A-Za-z0-9_*-]{4,}/gi;
const MAX_QUOTED_CHARS = 300;

/** The upstream message, safe to show: no key-like strings, one line, bounded length. */
export function sanitizeUpstreamMessage(message: string | undefined): string {
  const clean = (message ?? "").replace(KEY_LIKE, "[redacted]").replace(/\s+/g, " ").trim();
  return clean.length > MAX_QUOTED_CHARS ? `${clean.slice(0, MAX_QUOTED_CHARS - 1)}…` : clean;
}

/** OpenRouter and llama.cpp put an HTTP-like status in `error.code` of in-stream errors. */
function statusOf(failure: UpstreamFailure): number | undefined {
  if (failure.status !== undefined) return failure.status;
  const code = Number(failure.code);
  return Number.isInteger(code) && code >= 400 && code <= 599 ? code : undefined;
}

function info(code: string, message: string, retryable: boolean): ErrorInfo {
  return { code, message, retryable };
}

export function classifyFailure(failure: UpstreamFailure, provider: string): ErrorInfo {
  const status = statusOf(failure);
  const kind = `${failure.type ?? ""} ${failure.code ?? ""}`.toLowerCase();
  const text = (failure.message ?? "").toLowerCase();
  const quoted = sanitizeUpstreamMessage(failure.message);
  const detail = quoted ? ` (${quoted})` : "";

  // OpenRouter answers 403 when its moderation flags the input: not a key problem.
  if (/flagged|moderation/.test(text) || /content_filter|content_policy|prohibited_content/.test(kind)) {
    return info("content_filtered", `${provider} declined this request under its content policy.`, false);
  }
  if (
    status === 401 ||
    status === 403 ||
    // Gemini reports a bad key as 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
    /authentication_error|permission_error|permission_denied|unauthenticated|invalid_api_key|api_key_invalid/.test(
      kind,
    )
  ) {
    return info("invalid_api_key", `${provider} rejected the API key. Check the key in Settings.`, false);
  }
  if (
    status === 402 ||
    /insufficient_quota|billing_error/.test(kind) ||
    /credit balance|insufficient balance|enable billing/.test(text)
  ) {
    return info("quota_exhausted", `The ${provider} account is out of credit or quota.`, false);
  }
  if (
    /context_length_exceeded|exceed_context_size/.test(kind) ||
    /prompt is too long|context length|context size|exceeds the maximum number of tokens/.test(text)
  ) {
    return info(
      "context_too_long",
      "This conversation is too long for the model. Start a new chat or pick a model with a larger context.",
      false,
    );
  }
  if (status === 429 || /rate_limit|resource_exhausted/.test(kind)) {
    return info("rate_limited", `${provider} is rate limiting requests. Try again in a moment.`, true);
  }
  if (status === 503 || status === 529 || /overloaded|unavailable/.test(kind)) {
    return info("overloaded", `${provider} is overloaded right now. Try again in a moment.`, true);
  }
  if (status === 504 || kind.includes("deadline_exceeded")) {
    return info("upstream_timeout", `${provider} took too long to answer. Try again.`, true);
  }
  if (status === 404 || kind.includes("not_found")) {
    return info("model_not_found", `${provider} does not offer the requested model${detail}.`, false);
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409) {
    return info("bad_request", `${provider} rejected the request${detail}.`, false);
  }
  return info("upstream_error", `${provider} failed to answer${detail}. Try again.`, true);
}
