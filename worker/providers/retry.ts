/**
 * What every adapter shares around one upstream call: retries before the first token, the
 * silent-upstream timeout, and turning failures into one `error` event a user can act on.
 * Adapters supply `openAttempt` (one SDK call, normalized) and `describeError` (their SDK's
 * error → UpstreamFailure); this module decides whether to retry, wait or give up.
 */
import { logError } from "../observability/log";
import type { ErrorInfo } from "#protocol/messages";
import { classifyFailure, type UpstreamFailure } from "./upstream-errors";
import type { ProviderConfig, ProviderEvent } from "./types";

export { classifyFailure, type UpstreamFailure } from "./upstream-errors";

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const FIRST_BACKOFF_MS = 250;

export interface RetryPolicy {
  maxRetries: number;
  maxRetryDelayMs: number;
  idleTimeoutMs: number;
}

export function retryPolicy(config: Omit<ProviderConfig, "apiKey" | "baseURL">): RetryPolicy {
  return {
    maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
    maxRetryDelayMs: config.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
    idleTimeoutMs: config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  };
}

/** Thrown by an adapter for a failure it finds inside the stream (e.g. `finish_reason: "error"`). */
export class UpstreamFailureError extends Error {
  readonly failure: UpstreamFailure;
  constructor(failure: UpstreamFailure) {
    super(failure.message ?? "upstream failure");
    this.failure = failure;
  }
}

/** Thrown by an adapter when the stream ended without the model saying it had finished. */
export class IncompleteStreamError extends Error {
  constructor() {
    super("the upstream stream ended before the model finished");
  }
}

/** The server's retry hint: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = headers?.get("retry-after")?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff (250 ms, 500 ms, 1 s, …) with ±25 % jitter so clients don't retry in step. */
export function backoffMs(retryIndex: number, random: () => number = Math.random): number {
  return Math.round(FIRST_BACKOFF_MS * 2 ** retryIndex * (0.75 + random() * 0.5));
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** What one attempt gets: pass both to the SDK so Stop and the idle timeout reach the socket. */
export interface AttemptContext {
  signal: AbortSignal;
  fetch: typeof fetch;
}

/**
 * Watches one attempt's connection. Only time spent waiting on the upstream (for headers or for
 * the next body chunk) counts towards the idle timeout, so a slow consumer never looks like a
 * silent upstream. One periodic check compares the start of the current wait with the clock;
 * re-arming a timer for every network read was the worker's largest JavaScript cost while
 * streaming fast (each clearTimeout goes through the Node timer emulation).
 */
class UpstreamWatch implements AttemptContext {
  timedOut = false;
  responded = false;
  bodyFailed = false;
  readonly #controller = new AbortController();
  readonly #idleTimeoutMs: number;
  readonly #parent: AbortSignal;
  readonly #onParentAbort = (): void => this.#controller.abort(this.#parent.reason);
  /** When the current wait on the upstream began, or null while we are not waiting. */
  #waitingSince: number | null = null;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(idleTimeoutMs: number, parent: AbortSignal) {
    this.#idleTimeoutMs = idleTimeoutMs;
    this.#parent = parent;
    parent.addEventListener("abort", this.#onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    this.#arm();
    let response: Response;
    try {
      response = await fetch(input, init);
    } finally {
      this.#disarm();
    }
    this.responded = true;
    if (!response.body) return response;
    const { status, statusText, headers } = response;
    return new Response(this.#watchBody(response.body), { status, statusText, headers });
  };

  dispose(): void {
    this.#disarm();
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#parent.removeEventListener("abort", this.#onParentAbort);
  }

  #watchBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    this.#reader = reader;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          this.#arm();
          try {
            const { done, value } = await reader.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            this.bodyFailed = true;
            controller.error(error);
          } finally {
            this.#disarm();
          }
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  #arm(): void {
    this.#waitingSince = Date.now();
    // Checked a few times per timeout: it fires between 1 and 1.25 timeouts into a silence.
    this.#ticker ??= setInterval(() => this.#check(), Math.max(10, Math.floor(this.#idleTimeoutMs / 4)));
  }

  #disarm(): void {
    this.#waitingSince = null;
  }

  #check(): void {
    if (this.#waitingSince === null || Date.now() - this.#waitingSince < this.#idleTimeoutMs) return;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.timedOut = true;
    const reason = new Error(`no data from upstream for ${this.#idleTimeoutMs} ms`);
    this.#controller.abort(reason);
    this.#reader?.cancel(reason).catch(() => undefined);
  }
}
export interface RetryingStreamOptions {
  /** How users should read the provider's name in messages, e.g. "OpenAI". */
  providerName: string;
  policy: RetryPolicy;
  /** The adapter's SDK error → failure; null for transport errors, aborts and bugs. */
  describeError(error: unknown): UpstreamFailure | null;
}

/**
 * Runs `openAttempt` and forwards its events; on failure before any text or reasoning was
 * forwarded it retries (429/5xx/529/network) up to `maxRetries` times, else it yields one
 * `error` event. Abort ends it silently, without further events.
 */
export async function* streamWithRetry(
  options: RetryingStreamOptions,
  signal: AbortSignal,
  openAttempt: (context: AttemptContext) => AsyncIterable<ProviderEvent>,
): AsyncGenerator<ProviderEvent, void, undefined> {
  const { policy } = options;
  let delivered = false;
  for (let retryIndex = 0; ; retryIndex++) {
    if (signal.aborted) return;
    const watch = new UpstreamWatch(policy.idleTimeoutMs, signal);
    let failed: { info: ErrorInfo; autoRetry: boolean; hintMs: number | undefined };
    try {
      for await (const event of openAttempt(watch)) {
        if (signal.aborted) return;
        if (event.type === "text" || event.type === "reasoning") {
          if (event.text === "") continue;
          delivered = true;
        }
        yield event;
      }
      return;
    } catch (error) {
      if (signal.aborted) return;
      failed = classifyThrown(error, watch, options);
    } finally {
      watch.dispose();
    }
    if (delivered || !failed.autoRetry || retryIndex >= policy.maxRetries) {
      yield { type: "error", ...failed.info };
      return;
    }
    const delayMs = Math.min(policy.maxRetryDelayMs, failed.hintMs ?? backoffMs(retryIndex));
    await abortableSleep(delayMs, signal);
  }
}

function classifyThrown(
  error: unknown,
  watch: UpstreamWatch,
  { providerName, policy, describeError }: RetryingStreamOptions,
): { info: ErrorInfo; autoRetry: boolean; hintMs: number | undefined } {
  if (watch.timedOut) {
    const seconds = Math.round(policy.idleTimeoutMs / 100) / 10;
    // The same timer bounds the connection (until the response headers), the first byte of the
    // body and every gap after it; say which one ran out.
    const message = watch.responded
      ? `${providerName} stopped responding (nothing received for ${seconds} s).`
      : `${providerName} did not answer within ${seconds} s.`;
    // Not retried automatically: the user has already waited the whole timeout once.
    return {
      info: { code: "upstream_timeout", message, retryable: true },
      autoRetry: false,
      hintMs: undefined,
    };
  }
  const failure = error instanceof UpstreamFailureError ? error.failure : describeError(error);
  if (failure) {
    const info = classifyFailure(failure, providerName);
    const veto = failure.headers?.get("x-should-retry") === "false";
    const hintMs = failure.retryAfterMs ?? retryAfterMs(failure.headers);
    return { info, autoRetry: info.retryable && !veto, hintMs };
  }
  if (error instanceof IncompleteStreamError || watch.bodyFailed) {
    const message = `The connection to ${providerName} dropped before the answer was complete.`;
    return {
      info: { code: "upstream_disconnected", message, retryable: true },
      autoRetry: true,
      hintMs: undefined,
    };
  }
  if (!watch.responded) {
    const message = `Could not reach ${providerName}. Check the base URL and your network, then try again.`;
    return {
      info: { code: "upstream_unreachable", message, retryable: true },
      autoRetry: true,
      hintMs: undefined,
    };
  }
  logError("upstream_unreadable", { provider: providerName, error });
  const message = `${providerName} sent a response Parley could not read.`;
  return { info: { code: "upstream_error", message, retryable: true }, autoRetry: true, hintMs: undefined };
}
