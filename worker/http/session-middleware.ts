import { createMiddleware } from "hono/factory";
import { getConfig } from "../env";
import { identify, needsRenewal, sessionCookie, signSession } from "../auth/session";
import type { AppEnv } from "./app";

/**
 * Gives every API caller an identity: the one in its session cookie, or a new guest. The cookie
 * is (re)issued for new guests and for tokens past their renewal age.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const { SESSION_SECRET } = getConfig(c.env);
  const existing = await identify(c.req.raw, SESSION_SECRET);
  const identity = existing ?? {
    userId: crypto.randomUUID(),
    kind: "guest" as const,
    issuedAt: Math.floor(Date.now() / 1000),
  };
  c.set("identity", identity);
  await next();
  if (!existing || needsRenewal(existing)) {
    const token = await signSession(identity, SESSION_SECRET);
    // Responses relayed from a Durable Object have immutable headers: re-wrap before adding.
    const response = new Response(c.res.body, c.res);
    response.headers.append("set-cookie", sessionCookie(token, c.req.url));
    c.res = response;
  }
});
