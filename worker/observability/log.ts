/**
 * Parley's structured logs: one JSON object per line on the console, which Workers Logs indexes
 * field by field when `observability` is on (wrangler.toml). Three kinds of line:
 *
 * - `http_request`: one per HTTP request the worker answers (see ./middleware.ts);
 * - `generation`: one per answer a ConversationRoom generated (`logGeneration`);
 * - anything passed to `logEvent` / `logError` (failures worth an operator's attention).
 *
 * Every line goes through `redact` (./redact.ts) right before it is written, so no caller can
 * leak a key, a cookie, a password or message text by passing the wrong field. People appear
 * only as `userHash`, a truncated SHA-256 of their id. `logError` also hands the error to Sentry
 * when error reporting is on (./sentry.ts), tagged with the same request id.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { redact } from "./redact";
import { reportError } from "./sentry";

export type LogFields = Record<string, unknown>;

/** What the current request is, for every line logged while it is handled. */
interface RequestContext {
  requestId: string;
}

const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `requestId` attached to every line (and error report) it causes. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}

/** The id of the request being handled, when there is one. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/**
 * The id a request is known by: Cloudflare's `cf-ray` (so a line can be matched with the
 * dashboard's own request log), a well-formed `x-request-id` from a trusted caller, or a new one.
 */
export function requestIdFor(request: Request): string {
  for (const name of ["cf-ray", "x-request-id"]) {
    const value = request.headers.get(name)?.trim();
    if (value && /^[A-Za-z0-9._:-]{6,100}$/.test(value)) return value;
  }
  return crypto.randomUUID();
}

/** A stable, non-reversible stand-in for a user id: 16 hex digits of its SHA-256. */
export function hashUserId(userId: string): string {
  return createHash("sha256").update(`parley-user:${userId}`).digest("hex").slice(0, 16);
}

type Level = "info" | "warn" | "error";

function write(level: Level, fields: LogFields): void {
  const requestId = currentRequestId();
  const line = redact({
    level,
    ...(requestId && fields.requestId === undefined ? { requestId } : {}),
    ...fields,
  });
  const text = JSON.stringify(line);
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else console.log(text);
}

/** One line for something that happened. */
export function logEvent(event: string, fields: LogFields = {}, level: Level = "info"): void {
  write(level, { event, ...fields });
}

/**
 * One line for a failure, and a report to Sentry when it is configured. Pass the thrown value as
 * `error` (or `cause`): it is logged as name/message/stack, with secrets masked.
 */
export function logError(event: string, fields: LogFields = {}): void {
  write("error", { event, ...fields });
  const { error, cause, ...context } = fields;
  reportError(event, error ?? cause, { ...context, requestId: fields.requestId ?? currentRequestId() });
}

export interface RequestLogFields {
  requestId: string;
  method: string;
  /** The matched route pattern (`/api/v1/conversations/:id`), never the concrete path. */
  route: string;
  status: number;
  durationMs: number;
  /** The caller's user id; logged only as its hash. */
  userId?: string | undefined;
  /** The `error.code` of a 4xx/5xx answer. */
  errorCode?: string | undefined;
}

export function logRequest({ userId, ...fields }: RequestLogFields): void {
  const level: Level = fields.status >= 500 ? "error" : "info";
  write(level, {
    event: "http_request",
    ...fields,
    ...(userId ? { userHash: hashUserId(userId) } : {}),
  });
}

export interface GenerationLogFields {
  /** The request that started the turn, when it came over HTTP (the SSE endpoint). */
  requestId?: string | undefined;
  /** The conversation (= room name). */
  room: string;
  messageId?: string | undefined;
  /** The person who asked; logged only as its hash. */
  userId?: string | undefined;
  model: string;
  provider: string;
  /** `send`, `stream` (the SSE endpoint), `regenerate`, `edit`, `continue`… */
  trigger?: string | undefined;
  /** Paid with the person's own key (BYOK) rather than the server's. */
  ownKey?: boolean | undefined;
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
  costUsd?: number | null | undefined;
  /** Milliseconds from the start of the generation to its first text or reasoning delta. */
  ttftMs?: number | null | undefined;
  durationMs: number;
  status: string;
  finishReason: string;
  errorCode?: string | null | undefined;
}

/** One line per generation; the room calls it once the final message is known. */
export function logGeneration({ userId, ...fields }: GenerationLogFields): void {
  const level: Level = fields.errorCode ? "warn" : "info";
  write(level, {
    event: "generation",
    ...fields,
    ...(userId ? { userHash: hashUserId(userId) } : {}),
  });
}
