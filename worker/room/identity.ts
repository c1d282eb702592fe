/**
 * How the worker tells a room who is on the other end. Durable Objects are reachable only through
 * the worker, which authenticates the request, decides the role, and sets these headers after
 * removing any copy that came from outside.
 */
export type RoomRole = "owner" | "editor" | "viewer";

const USER_HEADER = "x-parley-user-id";
const ROLE_HEADER = "x-parley-role";
const PREFIX = "x-parley-";

export interface RoomIdentity {
  userId: string;
  role: RoomRole;
}

function isRole(value: string | null): value is RoomRole {
  return value === "owner" || value === "editor" || value === "viewer";
}

export function readIdentityHeaders(headers: Headers): RoomIdentity | null {
  const userId = headers.get(USER_HEADER);
  const role = headers.get(ROLE_HEADER);
  return userId && isRole(role) ? { userId, role } : null;
}

/** A copy of `request` carrying only the identity the worker vouches for. */
export function withIdentity(request: Request, identity: RoomIdentity): Request {
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.toLowerCase().startsWith(PREFIX)) headers.delete(name);
  }
  headers.set(USER_HEADER, identity.userId);
  headers.set(ROLE_HEADER, identity.role);
  return new Request(request, { headers });
}
