/** Live share links over HTTP (docs/api.md, "Sharing"); every answer parsed with the shared schemas. */
import type { ConversationSummary } from "#protocol/http";
import type { Share, ShareInfo, ShareMode, ShareState } from "#protocol/sharing";
import { request } from "./client.ts";
import {
  conversationAnswerSchema,
  noContentSchema,
  shareAnswerSchema,
  shareInfoSchema,
  shareStateSchema,
} from "../lazy-schemas.ts";

const sharePath = (conversationId: string) =>
  `/api/v1/conversations/${encodeURIComponent(conversationId)}/share`;

export function getShare(conversationId: string): Promise<ShareState> {
  return request(sharePath(conversationId), shareStateSchema);
}

/** Creates the link, or changes the mode of the existing one (its guests reconnect with the new role). */
export async function putShare(conversationId: string, mode: ShareMode): Promise<Share> {
  const body = JSON.stringify({ mode });
  return (await request(sharePath(conversationId), shareAnswerSchema, { method: "PUT", body })).share;
}

/** A new link; the old one stops working at once. */
export async function rotateShare(conversationId: string): Promise<Share> {
  return (await request(`${sharePath(conversationId)}/rotate`, shareAnswerSchema, { method: "POST" })).share;
}

/** Stops sharing: everyone who came in through the link is disconnected. */
export async function deleteShare(conversationId: string): Promise<void> {
  await request(sharePath(conversationId), noContentSchema, { method: "DELETE" });
}

/** What a link opens, for whoever holds it (404 once it was revoked or rotated). */
export function getShareInfo(token: string): Promise<ShareInfo> {
  return request(`/api/v1/shares/${encodeURIComponent(token)}`, shareInfoSchema);
}

/** Copies the branch the shared room shows into a new conversation of one's own. */
export async function forkShare(token: string): Promise<ConversationSummary> {
  return (
    await request(`/api/v1/shares/${encodeURIComponent(token)}/fork`, conversationAnswerSchema, {
      method: "POST",
    })
  ).conversation;
}

/** The full address of a link, as people paste it. */
export function shareUrl(share: Share): string {
  return `${location.origin}${share.path}`;
}
