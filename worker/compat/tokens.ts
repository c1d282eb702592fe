/**
 * Personal access tokens: what an API client presents to Parley's OpenAI- and Anthropic-compatible
 * endpoints. A secret is `pk_live_` and 32 random bytes (base64url); only its SHA-256 is stored,
 * so a caller is found by hashing what it sent and looking the hash up (no comparison to time),
 * and a leaked database holds nothing that authenticates. The secret itself is never logged.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { database, type Db } from "../db/queries";
import { apiTokens, users, type ApiToken } from "../db/schema";
import { AppError } from "../errors";
import { logError } from "../observability/log";
import { MAX_LIVE_TOKENS, type AdminToken, type TokenView } from "#protocol/tokens";

export type { TokenView } from "#protocol/tokens";

export const TOKEN_PREFIX = "pk_live_";
/** How much of the secret is kept in clear to tell tokens apart: `pk_live_` and 4 characters. */
const PREFIX_CHARS = 12;
const SECRET_BYTES = 32;
const DAY_MS = 24 * 60 * 60 * 1000;
/** `last_used_at` is written at most this often per token, so busy scripts cost no extra writes. */
export const LAST_USED_GRANULARITY_MS = 60_000;

/** Who an API call runs as, once its token checked out. */
export interface TokenCaller {
  tokenId: string;
  tokenName: string;
  keepHistory: boolean;
  userId: string;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** SHA-256 of the whole secret, lower-case hex: what `api_tokens.secret_hash` holds. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toView(row: ApiToken): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    keepHistory: row.keepHistory,
  };
}

/**
 * Makes a token for `userId` and returns it with its secret, which is not kept and cannot be
 * shown again. 409 `too_many_tokens` when the account already has MAX_LIVE_TOKENS live ones: the
 * count and the insert are one statement, so two tabs creating at once cannot both slip past it.
 */
export async function createToken(
  db: Db,
  userId: string,
  input: { name: string; expiresInDays?: number; keepHistory?: boolean },
  now = Date.now(),
): Promise<{ token: TokenView; secret: string }> {
  const secret = TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  const row: ApiToken = {
    id: crypto.randomUUID(),
    userId,
    name: input.name,
    prefix: secret.slice(0, PREFIX_CHARS),
    secretHash: await hashSecret(secret),
    keepHistory: input.keepHistory ?? true,
    createdAt: now,
    expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS,
    lastUsedAt: null,
    revokedAt: null,
  };
  const result = await db.run(sql`
    INSERT INTO api_tokens (id, user_id, name, prefix, secret_hash, keep_history, created_at, expires_at)
    SELECT ${row.id}, ${userId}, ${row.name}, ${row.prefix}, ${row.secretHash}, ${row.keepHistory ? 1 : 0},
           ${now}, ${row.expiresAt}
    WHERE (
      SELECT count(*) FROM api_tokens
      WHERE user_id = ${userId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})
    ) < ${MAX_LIVE_TOKENS}`);
  if (result.meta.changes === 0) {
    throw new AppError(
      409,
      "too_many_tokens",
      `You have ${MAX_LIVE_TOKENS} active tokens, the most an account can hold. Revoke one you no longer use first.`,
    );
  }
  return { token: toView(row), secret };
}

/** The person's tokens that are not revoked (expired ones included), newest first. */
export async function listTokens(db: Db, userId: string): Promise<TokenView[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toView);
}

const notFound = () => new AppError(404, "not_found", "No active token with that id.");

/** Revokes one of the person's own tokens at once; 404 when it is not theirs or already revoked. */
export async function revokeToken(db: Db, userId: string, id: string, now = Date.now()): Promise<void> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (rows.length === 0) throw notFound();
}

/**
 * The caller behind `secret`, or null when it is unknown, revoked or expired, or its owner is
 * banned, ended or not an account. One D1 read. `last_used_at` is brought up to date when it is
 * more than a minute old: with `ctx` the write is handed to `ctx.waitUntil` (the answer does not
 * wait for it), without it the write is awaited. A failed write never fails the call.
 */
export async function authenticateToken(
  env: Env,
  secret: string,
  ctx?: { waitUntil(promise: Promise<unknown>): void },
): Promise<TokenCaller | null> {
  // Nothing of another shape was ever issued: no need to ask D1.
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const db = database(env.DB);
  const now = Date.now();
  const [found] = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      userId: apiTokens.userId,
      keepHistory: apiTokens.keepHistory,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      kind: users.kind,
      bannedAt: users.bannedAt,
      endedAt: users.endedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.secretHash, await hashSecret(secret)))
    .limit(1);
  if (!found) return null;
  const expired = found.expiresAt !== null && found.expiresAt <= now;
  const ownerGone = found.kind !== "user" || found.bannedAt !== null || found.endedAt !== null;
  if (found.revokedAt !== null || expired || ownerGone) return null;

  if (found.lastUsedAt === null || now - found.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
    const write = noteUse(db, found.id, now);
    if (ctx) ctx.waitUntil(write);
    else await write;
  }
  return { tokenId: found.id, tokenName: found.name, keepHistory: found.keepHistory, userId: found.userId };
}

/** Sets `last_used_at`, unless a concurrent call already did within the minute. */
async function noteUse(db: Db, tokenId: string, now: number): Promise<void> {
  try {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, tokenId),
          sql`(${apiTokens.lastUsedAt} IS NULL OR ${apiTokens.lastUsedAt} <= ${now - LAST_USED_GRANULARITY_MS})`,
        ),
      );
  } catch (error) {
    logError("token_last_used_failed", { tokenId, error });
  }
}

// -----------------------------------------------------------------------------------------------
// For the admin

function toAdminView(row: ApiToken): AdminToken {
  return { ...toView(row), userId: row.userId, revokedAt: row.revokedAt };
}

/** Every token of a person, revoked ones too, newest first. */
export async function listTokensForAdmin(db: Db, userId: string): Promise<AdminToken[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toAdminView);
}

/** Any person's token that is not revoked yet, for the admin to revoke. */
export async function findLiveToken(db: Db, id: string): Promise<AdminToken | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .limit(1);
  return row && toAdminView(row);
}

/** The update that revokes token `id`, to run in the same batch as its audit entry. */
export function revokeStatement(db: Db, id: string, now = Date.now()) {
  return db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
}
