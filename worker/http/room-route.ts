/**
 * `GET /parties/conversation/:id` (WebSocket upgrade): the session middleware has authenticated
 * the cookie (rotating an expired access token); this route checks that the
 * caller may enter this conversation, and hands the socket to its ConversationRoom with the
 * identity in trusted headers. Nobody reaches a room without passing here.
 */
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { database, findOwnedConversation } from "../db/queries";
import { clientIp, withIdentity } from "../room/identity";
import type { AppEnv } from "./app";
import { ApiError, notFound } from "./errors";

export const roomSocketRoute = new Hono<AppEnv>();

roomSocketRoute.get("/conversation/:id", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
  }
  if (c.get("newSession")) {
    throw new ApiError(401, "unauthorized", "Open Parley in this browser first to get a session.");
  }
  const identity = c.get("identity");
  const conversationId = c.req.param("id");
  const conversation = await findOwnedConversation(database(c.env.DB), conversationId, identity.userId);
  if (!conversation) throw notFound();
  const room = await getServerByName(c.env.ConversationRoom, conversation.id);
  return room.fetch(
    withIdentity(c.req.raw, {
      userId: identity.userId,
      kind: identity.kind,
      ip: clientIp(c.req.raw),
      role: "owner",
    }),
  );
});
