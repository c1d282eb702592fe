/**
 * The request logger: the outermost middleware of the worker's Hono app. It gives every request
 * an id (Cloudflare's `cf-ray` when present), answers with it in `x-request-id`, runs the request
 * with that id attached to every log line and error report, and writes one `http_request` line
 * when the answer is ready (for SSE, when its headers are: the generation has its own line).
 * With traces configured, the same bounds are the request's span, exported after the answer.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../http/app-env";
import { logRequest, requestIdFor, withRequestId } from "./log";
import { SpanKind, tracerFor, withSpan } from "./tracing";

export const requestLogger = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = Date.now();
  const requestId = requestIdFor(c.req.raw);
  c.set("requestId", requestId);
  // Traced only when an OTLP endpoint is configured (./tracing.ts); otherwise exactly as before.
  const tracer = tracerFor(c.env);
  const span = tracer?.start(`${c.req.method}`, undefined, {
    kind: SpanKind.server,
    attributes: { "http.request.method": c.req.method, "parley.request_id": requestId },
    startMs: startedAt,
  });
  await (span ? withSpan(span, () => withRequestId(requestId, next)) : withRequestId(requestId, next));
  const status = c.res.status;
  if (status !== 101) {
    // A copy: responses relayed from a Durable Object have immutable headers.
    const headers = new Headers(c.res.headers);
    headers.set("x-request-id", requestId);
    c.res = new Response(c.res.body, { status, statusText: c.res.statusText, headers });
  }
  // Set by the session middleware, for `/api/*` and `/parties/*` only.
  const identity = c.get("identity") as AppEnv["Variables"]["identity"] | undefined;
  const route = routePattern(c);
  const code = status >= 400 ? await errorCode(c.res) : undefined;
  logRequest({
    requestId,
    method: c.req.method,
    route,
    status,
    durationMs: Date.now() - startedAt,
    userId: identity?.userId,
    errorCode: code,
  });
  if (span && tracer) {
    // The route's pattern, never the path: paths hold share tokens and conversation ids.
    span.rename(`${c.req.method} ${route}`).set({ "http.route": route, "http.response.status_code": status });
    if (status >= 500) span.fail(code ?? String(status));
    span.end();
    c.executionCtx.waitUntil(tracer.flush());
  }
});

/** The pattern of the route that answered, e.g. `/api/v1/conversations/:id`. */
function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  return routes.findLast((route) => route.method !== "ALL")?.path ?? "unmatched";
}

/** `error.code` of an error answer in Parley's shape, read from a copy of the body. */
async function errorCode(response: Response): Promise<string | undefined> {
  if (!response.headers.get("content-type")?.includes("application/json")) return undefined;
  try {
    const body = await response.clone().json<{ error?: { code?: unknown } }>();
    return typeof body.error?.code === "string" ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}
