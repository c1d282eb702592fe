import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { withHeaders } from "./with-headers";

/**
 * Headers every worker response carries. The API only ever answers JSON or event streams, so its
 * policy allows nothing to load or frame it. (The SPA's own policy is in web/public/_headers,
 * which Workers assets apply to the static files.)
 */
const API_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** `response` with the API's headers (a WebSocket handshake is returned as it is). */
export function withApiHeaders(response: Response): Response {
  // A WebSocket handshake has no body to protect, and its response cannot be rebuilt freely.
  if (response.status === 101) return response;
  return withHeaders(response, (headers) => {
    for (const [name, value] of Object.entries(API_HEADERS)) headers.set(name, value);
  });
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res = withApiHeaders(c.res);
});
