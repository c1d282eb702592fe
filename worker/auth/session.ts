/**
 * Guest sessions. Every browser gets an anonymous identity: a signed JWT (HS256, jose) in an
 * HttpOnly, SameSite=Lax cookie, Secure everywhere but plain-http localhost. The same cookie
 * authenticates the HTTP API and the WebSocket upgrade (browsers send cookies on same-origin
 * upgrades). The guest's `users` row is created lazily on its first write, so bots and curl
 * calls that never chat leave nothing behind.
 */
import { SignJWT, jwtVerify } from "jose";

export const SESSION_COOKIE = "parley_session";
const ISSUER = "parley";
/** Guests keep their chats for half a year of inactivity; the cookie is renewed as it ages. */
const SESSION_TTL_SECONDS = 180 * 24 * 60 * 60;
const RENEW_AFTER_SECONDS = 7 * 24 * 60 * 60;

export interface Identity {
  userId: string;
  kind: "guest" | "user";
  /** Seconds since the epoch at which the current token was issued. */
  issuedAt: number;
}

const encoder = new TextEncoder();

export async function signSession(
  identity: Pick<Identity, "userId" | "kind">,
  secret: string,
): Promise<string> {
  return new SignJWT({ kind: identity.kind })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(identity.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
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
    return { userId: payload.sub, kind, issuedAt: payload.iat };
  } catch {
    return null;
  }
}

export function readCookie(header: string | null, name: string): string | undefined {
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

export function sessionCookie(token: string, requestUrl: string): string {
  const attributes = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${SESSION_TTL_SECONDS}`,
  ];
  if (!isLocalHttp(new URL(requestUrl))) attributes.push("Secure");
  return attributes.join("; ");
}

/** The identity behind a request's cookie, if any. */
export async function identify(request: Request, secret: string): Promise<Identity | null> {
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  return token ? verifySession(token, secret) : null;
}

export function needsRenewal(identity: Identity, nowSeconds = Date.now() / 1000): boolean {
  return nowSeconds - identity.issuedAt > RENEW_AFTER_SECONDS;
}
