/** `POST /api/v1/chat/stream`: one turn over HTTP, answered as Server-Sent Events. See docs/api.md. */
import { getConfig } from "../../../env";
import { AppError } from "../../../errors";
import type { RoomStreamRequest } from "../../../room/sse";
import { clientIp, withIdentity } from "../../../room/identity";
import { sessionKeyOf } from "../../../auth/sessions";
import { createRouter } from "../../router";
import { traceHeaders } from "../../../observability/tracing";
import { chatStreamRoute } from "./routes";

/**
 * Streams an answer as Server-Sent Events. The worker only authenticates the caller; the room
 * checks that the conversation is theirs and admits the turn exactly as it admits a device's
 * `send` (model, options, moderation, quota, rate, slot), then runs it, so browsers that have the
 * conversation open watch it live. Closing this stream does not stop the answer.
 */
export const chatRoutes = createRouter().openapi(chatStreamRoute, async (c) => {
  const body = c.req.valid("json");
  const identity = c.get("identity");
  const prompt = body.messages.at(-1);
  if (!prompt || prompt.role !== "user" || prompt.content.trim() === "") {
    throw new AppError(400, "invalid_request", "The last message must be a non-empty user message.");
  }
  const conversationId = body.conversationId ?? crypto.randomUUID();
  const roomRequest: RoomStreamRequest = {
    model: body.model,
    content: prompt.content,
    options: {
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
      ...(body.maxOutputTokens !== undefined ? { maxOutputTokens: body.maxOutputTokens } : {}),
      ...(body.reasoningEffort !== undefined ? { reasoningEffort: body.reasoningEffort } : {}),
      ...(body.tools !== undefined ? { tools: body.tools } : {}),
      ...(body.responseFormat !== undefined ? { responseFormat: body.responseFormat } : {}),
    },
    // An existing conversation's history lives in the room; only a new one takes the client's,
    // and it is created by its first turn, so a refused request leaves nothing behind.
    ...(body.conversationId
      ? {}
      : { prior: body.messages.slice(0, -1), create: { systemPrompt: body.system ?? "" } }),
  };
  // A request starts the room by itself (partyserver reads its name from the id): no extra
  // naming call before it, as getServerByName would make.
  const room = c.env.ConversationRoom.getByName(conversationId);
  const request = new Request("https://room.parley.internal/stream", {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": c.get("requestId"), ...traceHeaders() },
    body: JSON.stringify(roomRequest),
  });
  return room.fetch(
    withIdentity(request, {
      userId: identity.userId,
      kind: identity.kind,
      ip: clientIp(c.req.raw, getConfig(c.env).TRUST_CF_CONNECTING_IP),
      role: "owner",
      name: "API",
      share: null,
      session: sessionKeyOf(identity),
    }),
  );
});
