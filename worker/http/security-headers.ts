import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { withHeaders } from "./with-headers";
import { cachePolicy } from "./cache-policy";

/**
 * Headers every worker response carries. The API only ever answers JSON or event streams, so its
 * policy allows nothing to load or frame it. (The SPA's own policy is in web/public/_headers,
 * which Workers assets apply to the static files.) `Cache-Control` comes from ./cache-policy.ts:
 * the API's answers are private and never stored.
 */
const API_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * `response` with the API's headers and the Cache-Control for `path` (a WebSocket handshake is
 * returned as it is). A route's own security headers stay (a file's sandbox CSP), but its
 * Cache-Control never wins.
 */
export function withApiHeaders(response: Response, path: string): Response {
  // A WebSocket handshake has no body to protect, and its response cannot be rebuilt freely.
  if (response.status === 101) return response;
  const cache = cachePolicy(path);
  return withHeaders(response, (headers) => {
    for (const [name, value] of Object.entries(API_HEADERS)) {
      if (!headers.has(name)) headers.set(name, value);
    }
    const transform = /\bno-transform\b/i.test(headers.get("Cache-Control") ?? "");
    headers.set("Cache-Control", transform ? `${cache}, no-transform` : cache);
  });
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const response = c.res;
  // Assigning over an answer makes Hono copy the old answer's headers onto the new one.
  c.res = undefined;
  c.res = withApiHeaders(response, c.req.path);
});
