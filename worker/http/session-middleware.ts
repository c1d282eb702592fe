import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { getConfig } from "../env";
import { rotateRefreshToken } from "../auth/accounts";
import {
  REFRESH_COOKIE,
  REFRESH_TTL_SECONDS,
  cookie,
  identify,
  needsRenewal,
  readCookie,
  sessionCookie,
  signSession,
  type Identity,
} from "../auth/session";
import { database } from "../db/queries";
import type { AppEnv } from "./app";
import { withHeaders } from "./with-headers";

/** Queues a Set-Cookie for the response of this request. */
export function setCookieLater(c: Context<AppEnv>, value: string): void {
  c.set("cookies", [...(c.get("cookies") ?? []), value]);
}

/** Starts a session for `identity`: the access cookie, plus a refresh cookie for accounts. */
export async function startSession(c: Context<AppEnv>, identity: Identity, refreshToken?: string) {
  const { SESSION_SECRET } = getConfig(c.env);
  c.set("identity", identity);
  setCookieLater(c, sessionCookie(await signSession(identity, SESSION_SECRET), c.req.url, identity.kind));
  if (refreshToken) setCookieLater(c, cookie(REFRESH_COOKIE, refreshToken, c.req.url, REFRESH_TTL_SECONDS));
}

function newGuest(): Identity {
  return { userId: crypto.randomUUID(), kind: "guest", issuedAt: Math.floor(Date.now() / 1000) };
}

/**
 * Gives every API caller an identity: the one in its session cookie; else, for a signed-in user
 * whose access token expired, the one its refresh token vouches for (rotating it); else a new
 * guest. Cookies are (re)issued as needed.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const { SESSION_SECRET } = getConfig(c.env);
  const existing = await identify(c.req.raw, SESSION_SECRET);
  if (existing) {
    c.set("identity", existing);
    if (needsRenewal(existing)) await startSession(c, existing);
  } else {
    const refresh = readCookie(c.req.header("cookie"), REFRESH_COOKIE);
    const rotated = refresh ? await rotateRefreshToken(database(c.env.DB), refresh) : null;
    if (rotated) {
      await startSession(c, { userId: rotated.userId, kind: "user", issuedAt: 0 }, rotated.token);
    } else {
      if (refresh) setCookieLater(c, cookie(REFRESH_COOKIE, "", c.req.url, 0));
      c.set("newSession", true);
      await startSession(c, newGuest());
    }
  }
  await next();
  const cookies = c.get("cookies") ?? [];
  if (cookies.length > 0) {
    c.res = withHeaders(c.res, (headers) => {
      for (const value of cookies) headers.append("set-cookie", value);
    });
  }
});

/**
 * Refuses cross-site state changes: a browser always sends `Origin` on POST, PATCH, DELETE and
 * WebSocket upgrades, so one that names another site is a forged request riding our cookie.
 */
export const originCheck = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("origin");
  const unsafe = !["GET", "HEAD", "OPTIONS"].includes(c.req.method) || c.req.header("upgrade") !== undefined;
  if (unsafe && origin && origin !== new URL(c.req.url).origin) {
    return c.json(
      { error: { code: "bad_origin", message: "Requests from other sites are not accepted." } },
      403,
    );
  }
  await next();
});
