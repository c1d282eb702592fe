/**
 * Live share links (docs/sharing.md). The owner creates one link per conversation in *watch* or
 * *collaborate* mode, can change its mode, rotate it or revoke it; whoever holds the link can
 * open the live room, and fork a copy of the conversation into their own history.
 */
import { getServerByName } from "partyserver";
import { authorize, findActiveShare } from "../../../auth/policy";
import { activePath } from "../../../db/branches";
import {
  createConversation,
  database,
  insertForkedMessages,
  listMessages,
  toSummary,
} from "../../../db/queries";
import { activeShareOf, createShare, revokeShare, setShareMode, toShare } from "../../../db/shares";
import type { RoomRoleName } from "#protocol/frames";
import { notFound } from "../../../errors";
import { notifyConversation } from "../../hub-notify";
import { createRouter } from "../../router";
import {
  forkShareRoute,
  getShareRoute,
  openShareRoute,
  putShareRoute,
  revokeShareRoute,
  rotateShareRoute,
} from "./routes";

async function room(env: Env, conversationId: string) {
  return getServerByName(env.ConversationRoom, conversationId);
}

export const shareRoutes = createRouter()
  .openapi(getShareRoute, async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { conversation } = await authorize(db, id, c.get("identity").userId, "manage");
    const share = await activeShareOf(db, conversation.id);
    const presence = await (await room(c.env, conversation.id)).presence();
    return c.json({ share: share ? toShare(share) : null, ...presence }, 200);
  })
  .openapi(putShareRoute, async (c) => {
    const { mode } = c.req.valid("json");
    const db = database(c.env.DB);
    const identity = c.get("identity");
    const { conversation } = await authorize(db, c.req.valid("param").id, identity.userId, "manage");
    const existing = await activeShareOf(db, conversation.id);
    if (!existing) {
      return c.json({ share: toShare(await createShare(db, conversation.id, mode, identity.userId)) }, 201);
    }
    if (existing.mode !== mode) {
      await setShareMode(db, existing.token, mode);
      // Guests of the link reconnect and get their new role.
      await (await room(c.env, conversation.id)).shareChanged(existing.token, false);
    }
    return c.json({ share: toShare({ ...existing, mode }) }, 200);
  })
  .openapi(rotateShareRoute, async (c) => {
    const db = database(c.env.DB);
    const identity = c.get("identity");
    const { conversation } = await authorize(db, c.req.valid("param").id, identity.userId, "manage");
    const existing = await activeShareOf(db, conversation.id);
    if (!existing) throw notFound("Share link");
    await revokeShare(db, existing.token);
    const next = await createShare(db, conversation.id, existing.mode, identity.userId);
    await (await room(c.env, conversation.id)).shareChanged(existing.token, true);
    return c.json({ share: toShare(next) }, 200);
  })
  .openapi(revokeShareRoute, async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { conversation } = await authorize(db, id, c.get("identity").userId, "manage");
    const existing = await activeShareOf(db, conversation.id);
    if (existing) {
      await revokeShare(db, existing.token);
      await (await room(c.env, conversation.id)).shareChanged(existing.token, true);
    }
    return c.body(null, 204);
  })
  .openapi(openShareRoute, async (c) => {
    const found = await findActiveShare(database(c.env.DB), c.req.valid("param").token);
    if (!found) throw notFound("Share link");
    const isOwner = found.conversation.ownerId === c.get("identity").userId;
    const role: RoomRoleName = isOwner ? "owner" : found.share.mode === "collaborate" ? "editor" : "viewer";
    const { id, title } = found.conversation;
    return c.json({ conversation: { id, title }, mode: found.share.mode, role }, 200);
  })
  .openapi(forkShareRoute, async (c) => {
    const db = database(c.env.DB);
    const found = await findActiveShare(db, c.req.valid("param").token);
    if (!found) throw notFound("Share link");
    const identity = c.get("identity");
    const source = found.conversation;
    const path = activePath(await listMessages(db, source.id), source.activeLeafId).filter(
      (m) => m.deletedAt === null && m.status !== "streaming",
    );
    const copy = await createConversation(db, {
      id: crypto.randomUUID(),
      ownerId: identity.userId,
      kind: identity.kind,
      model: source.model,
      title: source.title ? `${source.title} (fork)` : "",
      systemPrompt: source.systemPrompt,
      forkedFrom: source.id,
    });
    await insertForkedMessages(db, copy.id, path, identity.userId);
    const summary = toSummary({ ...copy, updatedAt: Date.now() });
    await notifyConversation(c.env, identity.userId, summary);
    return c.json({ conversation: summary }, 201);
  });
