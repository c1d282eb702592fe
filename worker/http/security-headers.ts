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

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  // A WebSocket handshake has no body to protect, and its response cannot be rebuilt freely.
  if (c.res.status === 101) return;
  const response = c.res;
  const cache = cachePolicy(c.req.path);
  // Assigning over an answer makes Hono copy the old answer's headers onto the new one. A route's
  // own security headers may stay (a file's sandbox CSP), but its Cache-Control must not win.
  c.res = undefined;
  c.res = withHeaders(response, (headers) => {
    for (const [name, value] of Object.entries(API_HEADERS)) {
      if (!headers.has(name)) headers.set(name, value);
    }
    const transform = /\bno-transform\b/i.test(headers.get("Cache-Control") ?? "");
    headers.set("Cache-Control", transform ? `${cache}, no-transform` : cache);
  });
});
