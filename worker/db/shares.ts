/** D1 access for live share links (see worker/auth/policy.ts for what a link grants). */
import { and, eq, isNull } from "drizzle-orm";
import type { Share, ShareMode } from "#protocol/sharing";
import type { Db } from "./queries";
import { shareLinks, type ShareLink } from "./schema";

/** 192 random bits, URL-safe: the link is the credential, so it must not be guessable. */
export function newShareToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function toShare(row: ShareLink): Share {
  return { token: row.token, mode: row.mode, path: `/s/${row.token}`, createdAt: row.createdAt };
}

export async function activeShareOf(db: Db, conversationId: string): Promise<ShareLink | undefined> {
  const [row] = await db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.conversationId, conversationId), isNull(shareLinks.revokedAt)))
    .limit(1);
  return row;
}

export async function createShare(
  db: Db,
  conversationId: string,
  mode: ShareMode,
  createdBy: string,
): Promise<ShareLink> {
  const row: ShareLink = {
    token: newShareToken(),
    conversationId,
    mode,
    createdBy,
    createdAt: Date.now(),
    revokedAt: null,
  };
  await db.insert(shareLinks).values(row);
  return row;
}

export async function setShareMode(db: Db, token: string, mode: ShareMode): Promise<void> {
  await db.update(shareLinks).set({ mode }).where(eq(shareLinks.token, token));
}

export async function revokeShare(db: Db, token: string): Promise<void> {
  await db.update(shareLinks).set({ revokedAt: Date.now() }).where(eq(shareLinks.token, token));
}
