/**
 * `GET /parties/conversation/:id` (WebSocket upgrade): authenticates the cookie, checks that the
 * caller may enter this conversation, and hands the socket to its ConversationRoom with the
 * identity in trusted headers. Nobody reaches a room without passing here.
 */
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { identify } from "../auth/session";
import { database, findOwnedConversation } from "../db/queries";
import { getConfig } from "../env";
import { withIdentity } from "../room/identity";
import type { AppEnv } from "./app";
import { ApiError, notFound } from "./errors";

export const roomSocketRoute = new Hono<AppEnv>();

roomSocketRoute.get("/conversation/:id", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
  }
  const identity = await identify(c.req.raw, getConfig(c.env).SESSION_SECRET);
  if (!identity)
    throw new ApiError(401, "unauthorized", "Open Parley in this browser first to get a session.");
  const conversationId = c.req.param("id");
  const conversation = await findOwnedConversation(database(c.env.DB), conversationId, identity.userId);
  if (!conversation) throw notFound();
  const room = await getServerByName(c.env.ConversationRoom, conversation.id);
  return room.fetch(withIdentity(c.req.raw, { userId: identity.userId, role: "owner" }));
});
