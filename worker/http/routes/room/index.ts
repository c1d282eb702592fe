/**
 * WebSocket entries, behind the session middleware (which has authenticated the cookie, rotating
 * an expired access token):
 *
 * - `GET /parties/conversation/:id[?share=<token>]`: the policy decides the caller's role in the
 *   conversation (owner, or editor/viewer through a live share link) and the socket goes to its
 *   ConversationRoom with identity and role in trusted headers.
 * - `GET /parties/hub`: the caller's own UserHub, which keeps every device's sidebar in sync.
 *
 * Nobody reaches a Durable Object without passing here.
 *
 * A socket to a room the caller may not enter is accepted and closed at once, after one error frame
 * saying why (4404 `not_found`; 4403 `access_revoked` for a share link that no longer opens it),
 * instead of refusing the upgrade with a 404: a browser logs a refused upgrade as a console error
 * and the page learns nothing from it, while a close code and a frame are read by the app and
 * shown in the page. Either way nothing of the room is reached.
 */
import { Hono, type Context } from "hono";
import { findUser } from "../../../auth/accounts";
import { conversationAccess } from "../../../auth/policy";
import { sessionKeyOf } from "../../../auth/sessions";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import { clientIp, displayNameOf, withIdentity, withSession } from "../../../room/identity";
import type { AppEnv } from "../../app-env";
import { AppError } from "../../../errors";
import { CLOSE_CODES } from "../../../protocol/close-codes";
import type { ServerFrame } from "../../../protocol/frames";

export const roomSocketRoute = new Hono<AppEnv>();

function requireUpgrade(c: Context<AppEnv>): void {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new AppError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
  }
  if (c.get("newSession")) {
    // No guest is made for a refused socket: the browser gets its one from its first API call.
    c.set("cookies", []);
    throw new AppError(401, "unauthorized", "Open Parley in this browser first to get a session.");
  }
}

roomSocketRoute.get("/conversation/:id", async (c) => {
  requireUpgrade(c);
  const identity = c.get("identity");
  const db = database(c.env.DB);
  const share = c.req.query("share") ?? null;
  // Both reads at once: a reconnecting device waits for them before it catches up.
  const [access, user] = await Promise.all([
    conversationAccess(db, c.req.param("id"), identity.userId, share),
    identity.kind === "user" ? findUser(db, identity.userId) : undefined,
  ]);
  if (!access) {
    return share === null
      ? refusedSocket(CLOSE_CODES.deleted, "not_found", "Conversation not found.")
      : refusedSocket(
          CLOSE_CODES.accessRevoked,
          "access_revoked",
          "This link no longer opens the conversation.",
        );
  }
  // A request starts the room by itself (partyserver reads its name from the id): no extra
  // naming call before it, as getServerByName would make.
  const room = c.env.ConversationRoom.getByName(access.conversation.id);
  return room.fetch(
    withIdentity(c.req.raw, {
      userId: identity.userId,
      kind: identity.kind,
      ip: clientIp(c.req.raw, getConfig(c.env).TRUST_CF_CONNECTING_IP),
      role: access.role,
      name: displayNameOf(user, access.role, identity.kind),
      share: access.share?.token ?? null,
      session: sessionKeyOf(identity),
    }),
  );
});

/** A socket that only says why it cannot stay: one error frame, then its close code. */
function refusedSocket(code: number, reason: string, message: string): Response {
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  server.accept();
  const frame: ServerFrame = { type: "error", code: reason, message, retryable: false };
  server.send(JSON.stringify(frame));
  server.close(code, reason);
  return new Response(null, { status: 101, webSocket: client });
}

roomSocketRoute.get("/hub", async (c) => {
  requireUpgrade(c);
  const identity = c.get("identity");
  const hub = c.env.UserHub.getByName(identity.userId);
  return hub.fetch(withSession(c.req.raw, sessionKeyOf(identity)));
});
