import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { eq } from "drizzle-orm";
import { getConfig } from "../env";
import { rotateRefreshToken, syncAdminRole } from "../auth/accounts";
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
import { database, type Db } from "../db/queries";
import { users } from "../db/schema";
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

function newGuest(): Identity {
  return { userId: crypto.randomUUID(), kind: "guest", issuedAt: Math.floor(Date.now() / 1000) };
}

/**
 * Whether the person behind `userId` may use Parley at all, in one lookup by primary key (a guest
 * that never wrote has no row and is fine). The same row keeps the admin role in step with
 * `ADMIN_EMAILS`, so what GET /session and the admin API see is always current.
 */
async function isBanned(db: Db, userId: string, adminEmails: ReadonlySet<string>): Promise<boolean> {
  const [account] = await db
    .select({
      id: users.id,
      kind: users.kind,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      role: users.role,
      bannedAt: users.bannedAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!account) return false;
  if (account.bannedAt !== null) return true;
  await syncAdminRole(db, account, adminEmails);
  return false;
}

export const BANNED_MESSAGE = "This account has been suspended by the operator of this Parley.";

/**
 * Gives every API caller an identity: the one in its session cookie; else, for a signed-in user
 * whose access token expired, the one its refresh token vouches for (rotating it); else a new
 * guest. Cookies are (re)issued as needed. A banned person (account or guest) gets 403 `banned`
 * for everything, the cookies still set so a rotated refresh token is not lost.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const { SESSION_SECRET, ADMIN_EMAILS } = getConfig(c.env);
  const db = database(c.env.DB);
  const existing = await identify(c.req.raw, SESSION_SECRET);
  if (existing) {
    c.set("identity", existing);
    if (needsRenewal(existing)) await startSession(c, existing);
  } else {
    const refresh = readCookie(c.req.header("cookie"), REFRESH_COOKIE);
    const rotated = refresh ? await rotateRefreshToken(db, refresh) : null;
    if (rotated) {
      await startSession(c, { userId: rotated.userId, kind: "user", issuedAt: 0 }, rotated.token);
    } else {
      if (refresh) setCookieLater(c, cookie(REFRESH_COOKIE, "", c.req.url, 0));
      c.set("newSession", true);
      await startSession(c, newGuest());
    }
  }
  const banned = !c.get("newSession") && (await isBanned(db, c.get("identity").userId, ADMIN_EMAILS));
  if (banned) c.res = new AppError(403, "banned", BANNED_MESSAGE).toResponse();
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
