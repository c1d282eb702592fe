/**
 * How the worker tells a room who is on the other end. Durable Objects are reachable only through
 * the worker, which authenticates the request, decides the role, and sets these headers after
 * removing any copy that came from outside.
 */
import type { RoomRoleName } from "#protocol/frames";

export type RoomRole = RoomRoleName;

const USER_HEADER = "x-parley-user-id";
const KIND_HEADER = "x-parley-user-kind";
const IP_HEADER = "x-parley-client-ip";
const ROLE_HEADER = "x-parley-role";
const NAME_HEADER = "x-parley-display-name";
const SHARE_HEADER = "x-parley-share-token";
const SESSION_HEADER = "x-parley-session";
const PREFIX = "x-parley-";

export interface RoomIdentity {
  userId: string;
  kind: "guest" | "user";
  /** The client's address, which the rate limit of guests is keyed on. */
  ip: string;
  role: RoomRole;
  /** How others in the room see this person: their chosen name or a neutral label (never email). */
  name: string;
  /** The share link this connection came through (null for the owner). */
  share: string | null;
  /** The session the socket belongs to (worker/auth/sessions.ts `sessionKeyOf`); it ends with it. */
  session: string;
}

function isRole(value: string | null): value is RoomRole {
  return value === "owner" || value === "editor" || value === "viewer";
}

export function readIdentityHeaders(headers: Headers): RoomIdentity | null {
  const userId = headers.get(USER_HEADER);
  const role = headers.get(ROLE_HEADER);
  const kind = headers.get(KIND_HEADER) === "user" ? "user" : "guest";
  const ip = headers.get(IP_HEADER) ?? "unknown";
  const name = decodeName(headers.get(NAME_HEADER));
  const share = headers.get(SHARE_HEADER) || null;
  const session = headers.get(SESSION_HEADER);
  return userId && session && isRole(role) ? { userId, kind, ip, role, name, share, session } : null;
}

function decodeName(raw: string | null): string {
  try {
    return raw ? decodeURIComponent(raw) : "Guest";
  } catch {
    return "Guest";
  }
}

/** `request`'s headers without any identity header that came from outside. */
function trustedHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.toLowerCase().startsWith(PREFIX)) headers.delete(name);
  }
  return headers;
}

/** A copy of `request` for the person's own hub, naming the session its socket belongs to. */
export function withSession(request: Request, session: string): Request {
  const headers = trustedHeaders(request);
  headers.set(SESSION_HEADER, session);
  return new Request(request, { headers });
}

export function readSessionHeader(headers: Headers): string | null {
  return headers.get(SESSION_HEADER);
}

/** A copy of `request` carrying only the identity the worker vouches for. */
export function withIdentity(request: Request, identity: RoomIdentity): Request {
  const headers = trustedHeaders(request);
  headers.set(SESSION_HEADER, identity.session);
  headers.set(USER_HEADER, identity.userId);
  headers.set(KIND_HEADER, identity.kind);
  headers.set(IP_HEADER, identity.ip);
  headers.set(ROLE_HEADER, identity.role);
  headers.set(NAME_HEADER, encodeURIComponent(identity.name));
  if (identity.share) headers.set(SHARE_HEADER, identity.share);
  return new Request(request, { headers });
}

/** The bucket of every guest whose address cannot be trusted (local development and tests). */
export const LOCAL_ADDRESS = "local";

/**
 * The client's address, which guests' rate limits and generation slots are keyed on. On
 * Cloudflare the edge sets `CF-Connecting-IP` (replacing any copy the client sent), and the deploy
 * build says so with `TRUST_CF_CONNECTING_IP`. Under `vite dev` and `wrangler dev` nothing
 * replaces it, so a client could pick a fresh bucket per request: there every guest shares one
 * (docs/security.md, "Client address"). The worker tests set the variable to play the edge.
 */
export function clientIp(request: Request, trusted: boolean): string {
  if (!trusted) return LOCAL_ADDRESS;
  return request.headers.get("cf-connecting-ip") ?? "unknown";
}

/**
 * The name a person shows to everyone in a room: the display name they chose, or a neutral label
 * ("Owner", "Member" for an account, "Guest"). Never anything taken from the email, which link
 * holders must not learn.
 */
export function displayNameOf(
  user: { displayName: string | null } | undefined,
  role: RoomRole,
  kind: "guest" | "user",
): string {
  const name = user?.displayName?.trim().slice(0, 40);
  if (name) return name;
  if (role === "owner") return "Owner";
  return kind === "user" ? "Member" : "Guest";
}
