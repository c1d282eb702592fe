/**
 * Signed-in sessions and the end of identities. A signed cookie says who someone was when it was
 * issued; this module says whether that still holds:
 *
 * - An account's access token names its session (`sid`). Every request checks the session row in
 *   the same D1 read that checks for a ban, so signing out (here, everywhere, by a password change
 *   or reset) takes effect on the next request, not when the token expires.
 * - A guest identity ends when it signs up (its row becomes the account, and a guest token never
 *   vouches for an account) or signs in (its chats move to the account and the row is marked
 *   ended). The old guest cookie then starts a fresh, empty guest.
 * - Open sockets end too: the person's UserHub closes its own and tells every room it registered
 *   in (worker/hub/UserHub.ts), which close theirs with `CLOSE_CODES.signedOut`.
 *
 * Refresh tokens belong to a session (their family id is the session id): each use rotates the
 * token, and a rotated token presented again (a stolen copy) ends the whole session.
 */
import { and, eq, inArray, isNull, ne } from "drizzle-orm";
import { getServerByName } from "partyserver";
import type { Db } from "../db/queries";
import { refreshTokens, sessions, users, type User } from "../db/schema";
import { logError } from "../observability/log";
import { REFRESH_TTL_SECONDS, type Identity } from "./session";

/** The session key of a guest's sockets; an account's sockets carry their session id. */
export const GUEST_SESSION = "guest";

export function sessionKeyOf(identity: Pick<Identity, "kind" | "sessionId">): string {
  return identity.kind === "user" && identity.sessionId ? identity.sessionId : GUEST_SESSION;
}

export type Standing =
  | { current: false }
  | {
      current: true;
      account: Pick<User, "id" | "kind" | "email" | "emailVerifiedAt" | "role" | "bannedAt"> | null;
    };

/**
 * Whether `identity` still stands, with its `users` row (null for a guest that never wrote), in
 * one read by primary key.
 */
export async function standingOf(db: Db, identity: Identity): Promise<Standing> {
  const [row] = await db
    .select({
      id: users.id,
      kind: users.kind,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      role: users.role,
      bannedAt: users.bannedAt,
      endedAt: users.endedAt,
      sessionUser: sessions.userId,
      sessionRevokedAt: sessions.revokedAt,
    })
    .from(users)
    .leftJoin(sessions, eq(sessions.id, identity.sessionId ?? ""))
    .where(eq(users.id, identity.userId))
    .limit(1);
  if (identity.kind === "guest") {
    if (!row) return { current: true, account: null };
    return row.kind === "guest" && row.endedAt === null
      ? { current: true, account: row }
      : { current: false };
  }
  const live = row?.kind === "user" && row.sessionUser === identity.userId && row.sessionRevokedAt === null;
  return live ? { current: true, account: row } : { current: false };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

async function issueRefreshToken(db: Db, userId: string, sessionId: string): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await db.insert(refreshTokens).values({
    id: crypto.randomUUID(),
    userId,
    tokenHash: await sha256(token),
    familyId: sessionId,
    createdAt: now,
    expiresAt: now + REFRESH_TTL_SECONDS * 1000,
    revokedAt: null,
  });
  return token;
}

/** Starts a session for `userId` on this device; returns its id and first refresh token. */
export async function openSession(
  db: Db,
  userId: string,
): Promise<{ sessionId: string; refreshToken: string }> {
  const sessionId = crypto.randomUUID();
  await db.insert(sessions).values({ id: sessionId, userId, createdAt: Date.now(), revokedAt: null });
  return { sessionId, refreshToken: await issueRefreshToken(db, userId, sessionId) };
}

/**
 * A browser that fires several requests just as its access token expires presents the same
 * refresh token more than once; within this window that is not treated as theft.
 */
const ROTATION_GRACE_MS = 30_000;

export type Rotation =
  | { ok: true; userId: string; sessionId: string; token: string }
  | { ok: false; stolenFrom?: { userId: string; sessionId: string } };

/**
 * Exchanges a refresh token for a new one in the same session. A token already used (after the
 * grace window) means a copy is in someone else's hands: the caller ends that session.
 */
export async function rotateRefreshToken(db: Db, token: string): Promise<Rotation> {
  const [row] = await db
    .select({ token: refreshTokens, sessionRevokedAt: sessions.revokedAt })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.familyId))
    .where(eq(refreshTokens.tokenHash, await sha256(token)))
    .limit(1);
  const now = Date.now();
  if (!row || row.token.expiresAt <= now || row.sessionRevokedAt !== null) return { ok: false };
  const { userId, familyId: sessionId, revokedAt } = row.token;
  if (revokedAt !== null && now - revokedAt >= ROTATION_GRACE_MS) {
    return { ok: false, stolenFrom: { userId, sessionId } };
  }
  if (revokedAt === null) {
    // When no row changes, a request of the same browser rotated it a moment ago: that is the
    // grace window's case too, not a reason to sign the browser out.
    await db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.id, row.token.id), isNull(refreshTokens.revokedAt)));
  }
  return { ok: true, userId, sessionId, token: await issueRefreshToken(db, userId, sessionId) };
}

/** The session a refresh token belongs to, if it is one of ours (sign out reads it). */
export async function sessionOfRefreshToken(db: Db, token: string): Promise<string | null> {
  const [row] = await db
    .select({ sessionId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256(token)))
    .limit(1);
  return row?.sessionId ?? null;
}

export type SessionScope = { only: string } | { allBut?: string };

/**
 * Ends sessions of `userId` (one, or all but the current one) in D1, then closes their sockets
 * before returning. Their refresh tokens can never be used again.
 */
export async function endSessions(env: Env, db: Db, userId: string, scope: SessionScope): Promise<void> {
  const now = Date.now();
  const ended = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        "only" in scope ? eq(sessions.id, scope.only) : undefined,
        "allBut" in scope && scope.allBut ? ne(sessions.id, scope.allBut) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  const ids = ended.map((row) => row.id);
  if (ids.length === 0) return;
  await db
    .update(refreshTokens)
    .set({ revokedAt: now, expiresAt: now })
    .where(inArray(refreshTokens.familyId, ids));
  await closeSockets(env, userId, ids);
}

/**
 * Ends the guest identity `guestId` after it signed up or signed in as `accountId`: a guest that
 * became the account (same id) needs no mark; one that signed in to another account is marked
 * ended (a row is written even for a guest that never wrote, so its cookie dies too).
 */
export async function endGuest(env: Env, db: Db, guestId: string, accountId: string): Promise<void> {
  if (guestId !== accountId) {
    const now = Date.now();
    await db
      .insert(users)
      .values({ id: guestId, kind: "guest", createdAt: now, lastSeenAt: now, endedAt: now })
      .onConflictDoUpdate({ target: users.id, set: { endedAt: now }, where: eq(users.kind, "guest") });
  }
  await closeSockets(env, guestId, [GUEST_SESSION]);
}

/** Tells the person's hub, which closes its sockets and those in every room they joined. */
async function closeSockets(env: Env, userId: string, keys: string[]): Promise<void> {
  try {
    const hub = await getServerByName(env.UserHub, userId);
    await hub.endSessions(keys);
  } catch (cause) {
    // The D1 change already stands: every later request and socket is refused.
    logError("session_sockets_close_failed", { cause });
  }
}
