/**
 * Who may use `/api/v1/admin/*`: a signed-in account with the admin role (granted by
 * `ADMIN_EMAILS`), through its session cookie, or a script holding the `ADMIN_TOKEN` secret as a
 * bearer token. A request that carries an `Authorization` header is judged by it alone: a wrong
 * token is a 401, never a fall-back to the cookie. Cookie requests pass through the same Origin
 * check and session middleware as the rest of the API (including the ban check); bearer requests
 * need neither, since a browser never attaches the token on its own.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { findUser } from "../auth/accounts";
import { database } from "../db/queries";
import { getConfig } from "../env";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../errors";
import { originCheck, sessionMiddleware } from "../http/session-middleware";

/** The `audit_log.actor` of the token. */
export const TOKEN_ACTOR = "token";

const encoder = new TextEncoder();

/**
 * Compares a presented secret with the configured one in constant time: both are hashed first, so
 * neither the content nor the length of the real token leaks through timing.
 */
export async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

function isBearerRequest(c: Context<AppEnv>): boolean {
  return c.req.header("authorization") !== undefined;
}

/** Who is making this admin request, for the audit log: the account id, or `token`. */
export function actorOf(c: Context<AppEnv>): string {
  return isBearerRequest(c) ? TOKEN_ACTOR : c.get("identity").userId;
}

async function checkBearer(c: Context<AppEnv>): Promise<void> {
  const { ADMIN_TOKEN } = getConfig(c.env);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  const valid =
    match?.[1] !== undefined && ADMIN_TOKEN !== undefined && (await sameSecret(match[1], ADMIN_TOKEN));
  if (!valid) {
    throw new AppError(401, "invalid_token", "That admin token is not valid.", {
      headers: { "WWW-Authenticate": 'Bearer realm="parley-admin"' },
    });
  }
}

/**
 * Runs inside the session middleware. A refusal is set as the response rather than thrown, so the
 * session middleware still attaches its cookies (a refresh token rotated on this very request
 * must reach the browser, or its next use would look like theft).
 */
async function requireAdminAccount(c: Context<AppEnv>, next: () => Promise<void>): Promise<void> {
  const identity = c.get("identity");
  const user = identity.kind === "user" ? await findUser(database(c.env.DB), identity.userId) : undefined;
  if (user?.role !== "admin") {
    c.res = new AppError(403, "forbidden", "Only Parley's administrators can do this.").toResponse();
    return;
  }
  await next();
}

/** Admits admins (cookie) and the token holder (bearer); refuses everyone else. */
export const adminAccess = createMiddleware<AppEnv>(async (c, next) => {
  if (isBearerRequest(c)) {
    await checkBearer(c);
    await next();
    return;
  }
  return originCheck(c, async () => {
    await sessionMiddleware(c, () => requireAdminAccount(c, next));
  });
});
