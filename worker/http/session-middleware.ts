import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { getConfig } from "../env";
import { syncAdminRole } from "../auth/accounts";
import { BANNED_MESSAGE } from "../auth/bans";
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
import {
  endGuest,
  endSessions,
  openSession,
  rotateRefreshToken,
  standingOf,
  type SessionScope,
  type Standing,
} from "../auth/sessions";
import { database, type Db } from "../db/queries";
import type { AppEnv } from "./app-env";
import { AppError } from "../errors";
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

/**
 * Signs this browser in to the account `userId` with a new session. The guest it was until now
 * ends (its chats were claimed by then): a copy of its old cookie is worth nothing.
 */
export async function signInBrowser(c: Context<AppEnv>, userId: string): Promise<void> {
  const db = database(c.env.DB);
  const before = c.get("identity");
  const { sessionId, refreshToken } = await openSession(db, userId);
  if (before.kind === "guest") await endGuest(c.env, db, before.userId, userId);
  await startSession(c, { userId, kind: "user", issuedAt: 0, sessionId }, refreshToken);
}

/** Ends this browser's account session (or all of the account's); it continues as a new guest. */
export async function signOutBrowser(c: Context<AppEnv>, everywhere: boolean): Promise<void> {
  const identity = c.get("identity");
  if (identity.kind === "user" && identity.sessionId) {
    const scope: SessionScope = everywhere ? {} : { only: identity.sessionId };
    await endSessions(c.env, database(c.env.DB), identity.userId, scope);
  }
  setCookieLater(c, cookie(REFRESH_COOKIE, "", c.req.url, 0));
  await startSession(c, newGuest());
}

function newGuest(): Identity {
  return {
    userId: crypto.randomUUID(),
    kind: "guest",
    issuedAt: Math.floor(Date.now() / 1000),
    sessionId: null,
  };
}

type Account = Extract<Standing, { current: true }>["account"];

/**
 * The identity behind this request, set on the context, with its `users` row: the session cookie's
 * if it still stands; else the account a refresh token vouches for (rotating it); else a new guest.
 * A refresh cookie beside a guest token wins: that is a browser whose sign-in raced a request
 * still carrying its old guest cookie.
 */
async function resolveIdentity(c: Context<AppEnv>, db: Db, secret: string): Promise<Account> {
  const token = await identify(c.req.raw, secret);
  const refresh = readCookie(c.req.header("cookie"), REFRESH_COOKIE);
  if (token && !(token.kind === "guest" && refresh)) {
    const standing = await standingOf(db, token);
    if (standing.current) {
      c.set("identity", token);
      if (needsRenewal(token)) await startSession(c, token);
      return standing.account;
    }
  }
  if (refresh) {
    const rotation = await rotateRefreshToken(db, refresh);
    if (rotation.ok) {
      const identity: Identity = {
        userId: rotation.userId,
        kind: "user",
        issuedAt: 0,
        sessionId: rotation.sessionId,
      };
      const standing = await standingOf(db, identity);
      if (standing.current) {
        await startSession(c, identity, rotation.token);
        return standing.account;
      }
    } else if (rotation.stolenFrom) {
      // Both the thief and the owner must sign in again.
      await endSessions(c.env, db, rotation.stolenFrom.userId, { only: rotation.stolenFrom.sessionId });
    }
    setCookieLater(c, cookie(REFRESH_COOKIE, "", c.req.url, 0));
  }
  c.set("newSession", true);
  await startSession(c, newGuest());
  return null;
}

/**
 * Gives every API caller an identity that still stands (see resolveIdentity). Cookies are
 * (re)issued as needed. A banned person (account or guest) gets 403 `banned` for everything, the
 * cookies still set so a rotated refresh token is not lost. The same read keeps the admin role in
 * step with `ADMIN_EMAILS`, so what GET /session and the admin API see is always current.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const { SESSION_SECRET, ADMIN_EMAILS } = getConfig(c.env);
  const db = database(c.env.DB);
  const account = await resolveIdentity(c, db, SESSION_SECRET);
  if (account && account.bannedAt === null) await syncAdminRole(db, account, ADMIN_EMAILS);
  if (account && account.bannedAt !== null) c.res = new AppError(403, "banned", BANNED_MESSAGE).toResponse();
  else await next();
  const cookies = c.get("cookies") ?? [];
  if (cookies.length > 0) {
    c.res = withHeaders(c.res, (headers) => {
      for (const value of cookies) headers.append("set-cookie", value);
    });
  }
});

/** Route middleware: only signed-in accounts get past it; a guest gets 401 with `message`. */
export function requireAccount(message: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("identity").kind !== "user") throw new AppError(401, "unauthorized", message);
    await next();
  });
}

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
