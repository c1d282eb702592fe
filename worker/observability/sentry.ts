/**
 * Optional error reporting to Sentry (@sentry/cloudflare). It is off unless the operator sets the
 * `SENTRY_DSN` secret; without it the SDK is never initialized, no handler is wrapped and nothing
 * leaves the worker. With it:
 *
 * - the worker's `fetch` runs inside `withSentry` (one Sentry scope per request, flushed with
 *   `waitUntil`), and the Durable Object classes inside `instrumentDurableObjectWithSentry`;
 * - every `logError` line (./log.ts) becomes a Sentry event too, because Hono's `onError` and
 *   partyserver's handlers catch most failures before Sentry's wrappers could see them;
 * - `beforeSend` runs the same redaction as the logs and tags the event with the request id.
 *
 * The DSN is read from `env` directly (it is optional and not part of the validated config).
 */
import * as Sentry from "@sentry/cloudflare";
import { redact, scrubText } from "./redact";

type SentryOptions = Sentry.CloudflareOptions;
type ErrorEvent = Sentry.ErrorEvent;

/** The DSN when error reporting is configured, else undefined. */
export function sentryDsn(env: unknown): string | undefined {
  const value = (env as { SENTRY_DSN?: unknown } | null | undefined)?.SENTRY_DSN;
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function stringVar(env: unknown, name: string): string | undefined {
  const value = (env as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Scrubs an event before it leaves: credentials and message text removed everywhere (request
 * headers and body, extra data, breadcrumbs, exception messages), the request id attached.
 */
export function scrubEvent(event: ErrorEvent, requestId?: string): ErrorEvent {
  const clean = redact(event, { maxDepth: 16, maxArrayItems: 250, maxStringLength: 16_000 }) as ErrorEvent;
  if (clean.request) {
    delete clean.request.cookies;
    if (clean.request.query_string && typeof clean.request.query_string === "string") {
      clean.request.query_string = scrubText(clean.request.query_string);
    }
  }
  const id = requestId ?? clean.tags?.request_id ?? requestIdFromHeaders(clean.request?.headers);
  if (id !== undefined) clean.tags = { ...clean.tags, request_id: String(id) };
  return clean;
}

function requestIdFromHeaders(headers: Record<string, string> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "cf-ray" || name.toLowerCase() === "x-request-id") return value;
  }
  return undefined;
}

/** Parley's Sentry settings for `env`; `extra` is for tests (e.g. a capturing transport). */
export function sentryOptions(env: unknown, extra: Partial<SentryOptions> = {}): SentryOptions {
  return {
    dsn: sentryDsn(env),
    environment: stringVar(env, "SENTRY_ENVIRONMENT") ?? "production",
    // Collect no user details, cookies, bodies or query strings; headers only by allow-list.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpBodies: [],
      urlQueryParams: false,
      httpHeaders: {
        request: { allow: ["user-agent", "cf-ray", "x-request-id", "content-type"] },
        response: false,
      },
      databaseQueryData: false,
      genAI: { inputs: false, outputs: false },
      stackFrameVariables: false,
    },
    // Traces come from Cloudflare's own tracing (wrangler.toml); Sentry is for errors only.
    tracesSampleRate: 0,
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => redact(breadcrumb) as Sentry.Breadcrumb,
    ...extra,
  };
}

type FetchHandler = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/**
 * The worker's fetch handler, reported to Sentry when `SENTRY_DSN` is set and left untouched
 * otherwise. The instrumented copy is built on the first request that needs it.
 */
export function withErrorReporting(fetch: FetchHandler, extra: Partial<SentryOptions> = {}): FetchHandler {
  let instrumented: FetchHandler | undefined;
  return (request, env, ctx) => {
    if (!sentryDsn(env)) return fetch(request, env, ctx);
    instrumented ??= Sentry.withSentry((workerEnv: Env) => sentryOptions(workerEnv, extra), {
      fetch: (req: Request, workerEnv: Env, workerCtx: ExecutionContext) => fetch(req, workerEnv, workerCtx),
    } satisfies ExportedHandler<Env>).fetch as FetchHandler;
    return instrumented(request, env, ctx);
  };
}

type DurableObjectClass = abstract new (ctx: DurableObjectState, env: Env) => object;

/**
 * A Durable Object class whose instances are instrumented by Sentry when `SENTRY_DSN` is set in
 * the env they are constructed with, and plain otherwise. Works for partyserver `Server`s too:
 * Sentry wraps their handlers and RPC methods without changing what they do.
 */
export function reportDurableObjectErrors<C extends DurableObjectClass>(Class: C): C {
  let instrumented: C | undefined;
  return new Proxy(Class, {
    construct(target, args, newTarget) {
      const env: unknown = args[1];
      if (!sentryDsn(env)) return Reflect.construct(target, args, newTarget);
      instrumented ??= Sentry.instrumentDurableObjectWithSentry(
        (doEnv: Env) => sentryOptions(doEnv),
        target as never,
      ) as unknown as C;
      return Reflect.construct(instrumented, args, newTarget);
    },
  });
}

/**
 * Sends one failure to Sentry, if a Sentry client is active in this request or object. `thrown`
 * is the caught value; without one, `event` is sent as a message.
 */
export function reportError(event: string, thrown: unknown, context: Record<string, unknown>): void {
  if (!Sentry.getClient()) return;
  const requestId = typeof context.requestId === "string" ? context.requestId : undefined;
  Sentry.withScope((scope) => {
    scope.setTag("event", event);
    if (requestId) scope.setTag("request_id", requestId);
    scope.setContext("parley", redact(context) as Record<string, unknown>);
    if (thrown instanceof Error) Sentry.captureException(thrown);
    else if (thrown !== undefined) Sentry.captureException(new Error(`${event}: ${String(thrown)}`));
    else Sentry.captureMessage(event, "error");
  });
}
