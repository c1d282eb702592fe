/**
 * Sessions. Every browser has an identity in the `parley_session` cookie: a signed JWT (HS256,
 * jose), HttpOnly, SameSite=Lax, Secure everywhere but plain-http localhost. Guests get a
 * long-lived token (their only key to their chats); signed-in users get a 15-minute access
 * token plus a rotating refresh token (`parley_refresh`, see accounts.ts). The same cookie
 * authenticates the HTTP API and the WebSocket upgrade. A guest's `users` row is created on its
 * first write, so bots and curl calls that never chat leave nothing behind. A valid signature is
 * not enough: the session middleware also checks that the identity is still current (a session
 * not signed out, a guest not turned into an account), see worker/auth/sessions.ts.
 */
import { SignJWT, jwtVerify } from "jose";

export const SESSION_COOKIE = "parley_session";
export const REFRESH_COOKIE = "parley_refresh";
const ISSUER = "parley";
/** Guests keep their chats for half a year of inactivity; the cookie is renewed as it ages. */
const GUEST_TTL_SECONDS = 180 * 24 * 60 * 60;
const GUEST_RENEW_AFTER_SECONDS = 7 * 24 * 60 * 60;
/** Signed-in access tokens are short-lived: revoking a refresh token ends a session within this. */
export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;

export type IdentityKind = "guest" | "user";

export interface Identity {
  userId: string;
  kind: IdentityKind;
  /** Seconds since the epoch at which the current token was issued. */
  issuedAt: number;
  /** A signed-in user's session (worker/auth/sessions.ts); null for guests. */
  sessionId: string | null;
}

const encoder = new TextEncoder();

export function ttlFor(kind: IdentityKind): number {
  return kind === "guest" ? GUEST_TTL_SECONDS : ACCESS_TTL_SECONDS;
}

export async function signSession(
  identity: Pick<Identity, "userId" | "kind" | "sessionId">,
  secret: string,
): Promise<string> {
  const claims = identity.sessionId
    ? { kind: identity.kind, sid: identity.sessionId }
    : { kind: identity.kind };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(identity.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlFor(identity.kind)}s`)
    .sign(encoder.encode(secret));
}

/** Returns the identity in a valid token, or null for a missing, forged or expired one. */
export async function verifySession(token: string, secret: string): Promise<Identity | null> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), {
      issuer: ISSUER,
      algorithms: ["HS256"],
    });
    const kind = payload.kind === "user" ? "user" : payload.kind === "guest" ? "guest" : null;
    if (!payload.sub || !kind || typeof payload.iat !== "number") return null;
    const sessionId = typeof payload.sid === "string" && payload.sid !== "" ? payload.sid : null;
    // An account's token is only as good as the session it names.
    if (kind === "user" && sessionId === null) return null;
    return { userId: payload.sub, kind, issuedAt: payload.iat, sessionId };
  } catch {
    return null;
  }
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function isLocalHttp(url: URL): boolean {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** A Set-Cookie value; `maxAgeSeconds` 0 deletes the cookie. */
export function cookie(name: string, value: string, requestUrl: string, maxAgeSeconds: number): string {
  const attributes = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (!isLocalHttp(new URL(requestUrl))) attributes.push("Secure");
  return attributes.join("; ");
}

export function sessionCookie(token: string, requestUrl: string, kind: IdentityKind = "guest"): string {
  // A signed-in user's access cookie outlives its token: an expired token plus the refresh
  // cookie is how the next request knows to rotate instead of starting a guest session.
  return cookie(
    SESSION_COOKIE,
    token,
    requestUrl,
    kind === "guest" ? GUEST_TTL_SECONDS : REFRESH_TTL_SECONDS,
  );
}

/** The identity behind a request's session cookie, if any. */
export async function identify(request: Request, secret: string): Promise<Identity | null> {
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  return token ? verifySession(token, secret) : null;
}

export function needsRenewal(identity: Identity, nowSeconds = Date.now() / 1000): boolean {
  return identity.kind === "guest" && nowSeconds - identity.issuedAt > GUEST_RENEW_AFTER_SECONDS;
}
