/** `POST /api/v1/chat/stream`: one turn over HTTP, answered as Server-Sent Events. See docs/api.md. */
import { getServerByName } from "partyserver";
import { findUser } from "../../../auth/accounts";
import { authorize, type ConversationAction } from "../../../auth/policy";
import { createConversation, database, softDeleteConversation } from "../../../db/queries";
import { getConfig } from "../../../env";
import { admitChat, rateLimitHeaders } from "../../../limits";
import { moderatePrompt } from "../../../moderation";
import { checkOptions, type RoomStreamRequest } from "../../../room/ConversationRoom";
import { clientIp, displayNameOf, withIdentity } from "../../../room/identity";
import { ApiError } from "../../errors";
import { createRouter } from "../../router";
import { withHeaders } from "../../with-headers";
import { callerProviders, usableModel } from "../models/access";
import { chatStreamRoute } from "./routes";

/** A conversation the caller may act on (worker/auth/policy.ts), or a 404/403. */
async function allowedConversation(env: Env, id: string, userId: string, action: ConversationAction) {
  return (await authorize(database(env.DB), id, userId, action)).conversation;
}

/**
 * Streams an answer as Server-Sent Events. The generation runs in the conversation's room, so
 * browsers that have the conversation open watch it live; closing this stream does not stop it.
 */
export const chatRoutes = createRouter().openapi(chatStreamRoute, async (c) => {
  const body = c.req.valid("json");
  const identity = c.get("identity");
  const db = database(c.env.DB);
  // Reads that do not depend on each other, at once.
  const [providers, user] = await Promise.all([
    callerProviders(c.env, identity),
    identity.kind === "user" ? findUser(db, identity.userId) : undefined,
    body.conversationId
      ? allowedConversation(c.env, body.conversationId, identity.userId, "write")
      : undefined,
  ]);
  const model = await usableModel({ ...c.env, ...providers.env }, body.model);
  const prompt = body.messages.at(-1);
  if (!prompt || prompt.role !== "user" || prompt.content.trim() === "") {
    throw new ApiError(400, "invalid_request", "The last message must be a non-empty user message.");
  }
  let conversationId = body.conversationId;
  const options = {
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    ...(body.maxOutputTokens !== undefined ? { maxOutputTokens: body.maxOutputTokens } : {}),
    ...(body.reasoningEffort !== undefined ? { reasoningEffort: body.reasoningEffort } : {}),
    ...(body.tools !== undefined ? { tools: body.tools } : {}),
    ...(body.responseFormat !== undefined ? { responseFormat: body.responseFormat } : {}),
  };
  checkOptions(model, options);
  await moderatePrompt(db, getConfig(c.env), {
    text: prompt.content,
    userId: identity.userId,
    conversationId: conversationId ?? null,
  });
  const decision = await admitChat(
    c.env,
    db,
    { userId: identity.userId, kind: identity.kind, ip: clientIp(c.req.raw) },
    getConfig(c.env),
    { ownKey: providers.own.has(model.provider) },
  );
  const isNew = !conversationId;
  if (!conversationId) {
    conversationId = crypto.randomUUID();
    await createConversation(db, {
      id: conversationId,
      ownerId: identity.userId,
      kind: identity.kind,
      model: model.id,
      ...(body.system ? { systemPrompt: body.system } : {}),
    });
  }
  const roomRequest: RoomStreamRequest = {
    model: model.id,
    content: prompt.content,
    // An existing conversation's history lives in the room; only a new one takes the client's.
    prior: body.conversationId ? [] : body.messages.slice(0, -1),
    options,
  };
  const room = await getServerByName(c.env.ConversationRoom, conversationId);
  const request = new Request("https://room.parley.internal/stream", {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": c.get("requestId") },
    body: JSON.stringify(roomRequest),
  });
  const response = await room.fetch(
    withIdentity(request, {
      userId: identity.userId,
      kind: identity.kind,
      ip: clientIp(c.req.raw),
      role: "owner",
      name: displayNameOf(user),
      share: null,
    }),
  );
  // A refused first turn leaves no empty conversation behind.
  if (!response.ok && isNew) await softDeleteConversation(db, conversationId);
  return withHeaders(response, (headers) => {
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) headers.set(name, value);
  });
});
