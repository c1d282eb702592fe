/**
 * The one place that decides what someone may do with a conversation. Every HTTP route and the
 * WebSocket entry ask here; rooms receive the resulting role in a header the worker sets.
 *
 * - owner: everything (read, write, stop, manage: rename, pin, share, delete, export).
 * - editor: came in through a *collaborate* share link: read, write (send, edit, regenerate,
 *   continue, delete a message, switch branch) and stop.
 * - viewer: came in through a *watch* share link: read (and fork a copy into their own history).
 *
 * Anyone else gets a 404, which does not reveal whether the conversation exists.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { RoomRoleName } from "#protocol/frames";
import type { Db } from "../db/queries";
import { conversations, shareLinks, type Conversation, type ShareLink } from "../db/schema";
import { AppError, notFound } from "../errors";

export type ConversationAction = "read" | "write" | "stop" | "manage";

const GRANTS: Record<RoomRoleName, ReadonlySet<ConversationAction>> = {
  owner: new Set(["read", "write", "stop", "manage"]),
  editor: new Set(["read", "write", "stop"]),
  viewer: new Set(["read"]),
};

export function can(role: RoomRoleName, action: ConversationAction): boolean {
  return GRANTS[role].has(action);
}

export interface ConversationAccess {
  conversation: Conversation;
  role: RoomRoleName;
  /** The share link this access came through; null for the owner. */
  share: ShareLink | null;
}

/** An active (not revoked) share link with its conversation, if that still exists. */
export async function findActiveShare(
  db: Db,
  token: string,
): Promise<{ share: ShareLink; conversation: Conversation } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
  const [row] = await db
    .select({ share: shareLinks, conversation: conversations })
    .from(shareLinks)
    .innerJoin(conversations, eq(shareLinks.conversationId, conversations.id))
    .where(and(eq(shareLinks.token, token), isNull(shareLinks.revokedAt), isNull(conversations.deletedAt)))
    .limit(1);
  return row;
}

/**
 * The caller's role in a conversation, or null when they may not even read it. The owner is
 * always owner (also when opening their own link); others need a live share link for it.
 */
export async function conversationAccess(
  db: Db,
  conversationId: string,
  userId: string,
  shareToken?: string | null,
): Promise<ConversationAccess | null> {
  const [conversation] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), isNull(conversations.deletedAt)))
    .limit(1);
  if (!conversation) return null;
  if (conversation.ownerId === userId) return { conversation, role: "owner", share: null };
  if (!shareToken) return null;
  const found = await findActiveShare(db, shareToken);
  if (!found || found.conversation.id !== conversationId) return null;
  return {
    conversation,
    role: found.share.mode === "collaborate" ? "editor" : "viewer",
    share: found.share,
  };
}

/**
 * Like `conversationAccess`, for routes: 404 when the caller cannot read the conversation, 403
 * when they can read it but not do `action`.
 */
export async function authorize(
  db: Db,
  conversationId: string,
  userId: string,
  action: ConversationAction,
  shareToken?: string | null,
): Promise<ConversationAccess> {
  const access = await conversationAccess(db, conversationId, userId, shareToken);
  if (!access) throw notFound();
  if (!can(access.role, action)) {
    throw new AppError(403, "forbidden", "Your access to this conversation does not allow that.");
  }
  return access;
}
