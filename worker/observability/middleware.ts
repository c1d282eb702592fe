/**
 * The request logger: the outermost middleware of the worker's Hono app. It gives every request
 * an id (Cloudflare's `cf-ray` when present), answers with it in `x-request-id`, runs the request
 * with that id attached to every log line and error report, and writes one `http_request` line
 * when the answer is ready (for SSE, when its headers are: the generation has its own line).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../http/app-env";
import { logRequest, requestIdFor, withRequestId } from "./log";

export const requestLogger = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = Date.now();
  const requestId = requestIdFor(c.req.raw);
  c.set("requestId", requestId);
  await withRequestId(requestId, next);
  const status = c.res.status;
  if (status !== 101) {
    // A copy: responses relayed from a Durable Object have immutable headers.
    const headers = new Headers(c.res.headers);
    headers.set("x-request-id", requestId);
    c.res = new Response(c.res.body, { status, statusText: c.res.statusText, headers });
  }
  // Set by the session middleware, for `/api/*` and `/parties/*` only.
  const identity = c.get("identity") as AppEnv["Variables"]["identity"] | undefined;
  logRequest({
    requestId,
    method: c.req.method,
    route: routePattern(c),
    status,
    durationMs: Date.now() - startedAt,
    userId: identity?.userId,
    errorCode: status >= 400 ? await errorCode(c.res) : undefined,
  });
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
