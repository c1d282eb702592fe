/**
 * Parley's one error model. Anything a client may be told goes out as an AppError: over HTTP as
 * `{"error":{"code","message"}}` with its status (`toResponse`), over a room socket or an SSE
 * stream as an `error` frame (`toFrame`). Domain modules throw it without knowing which of the
 * two will carry it; the app's `onError`, the room and the SSE writer only translate.
 *
 * `expose` says whether the message is for the person: a 5xx keeps its detail for the log line
 * and shows a generic sentence instead. Errors that never leave the worker (a provider stream's
 * retry signals, a tool's bad input) stay plain `Error`s in their modules.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorStatus = ContentfulStatusCode;

export interface AppErrorInit {
  /** Whether trying the same thing again later may work (default: 429 and 5xx). */
  retryable?: boolean;
  /** How long to wait before trying again; becomes `Retry-After` and the frame's `retryAfterMs`. */
  retryAfterMs?: number;
  /** Whether `message` may be shown to the person (default: below 500). */
  expose?: boolean;
  /** Extra response headers (e.g. `RateLimit-*`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The `error` frame of the room protocol and of the SSE stream. */
export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

const HIDDEN_MESSAGE = "Something went wrong on our side. Please try again.";

export class AppError extends Error {
  override name = "AppError";
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    init: AppErrorInit = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.retryable = init.retryable ?? (status === 429 || status >= 500);
    this.retryAfterMs = init.retryAfterMs;
    this.expose = init.expose ?? status < 500;
    this.headers = init.headers ?? {};
  }

  /** What the person is told: the message itself, or a generic line when it is not for them. */
  get publicMessage(): string {
    return this.expose ? this.message : HIDDEN_MESSAGE;
  }

  toResponse(): Response {
    const headers = new Headers(this.headers);
    if (this.retryAfterMs !== undefined && !headers.has("Retry-After")) {
      headers.set("Retry-After", String(Math.ceil(this.retryAfterMs / 1000)));
    }
    return Response.json(
      { error: { code: this.code, message: this.publicMessage } },
      { status: this.status, headers },
    );
  }

  toFrame(): ErrorFrame {
    return {
      type: "error",
      code: this.code,
      message: this.publicMessage,
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }

  /** Anything thrown, as an AppError: unknown failures become a hidden 500 `internal_error`. */
  static from(cause: unknown): AppError {
    if (cause instanceof AppError) return cause;
    return new AppError(500, "internal_error", cause instanceof Error ? cause.message : String(cause), {
      cause,
    });
  }
}

export const notFound = (what = "Conversation") => new AppError(404, "not_found", `${what} not found.`);
