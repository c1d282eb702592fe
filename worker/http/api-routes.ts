/** The v1 JSON API: models, conversations and the SSE chat endpoint. See docs/api.md. */
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { z } from "zod";
import {
  createConversation,
  database,
  findOwnedConversation,
  listConversations,
  listMessages,
  toChatMessage,
  toSummary,
} from "../db/queries";
import { getConfig } from "../env";
import { chatStreamRequestSchema } from "../protocol";
import { providerAvailable } from "../providers";
import { CATALOGUE, findModel, toModelInfo } from "../providers/catalogue";
import type { RoomStreamRequest } from "../room/ConversationRoom";
import { withIdentity } from "../room/identity";
import type { AppEnv } from "./app";
import { ApiError, notFound } from "./errors";
import { readJsonBody } from "./json-body";

export const apiRoutes = new Hono<AppEnv>();

apiRoutes.get("/session", (c) => {
  const { userId, kind } = c.get("identity");
  return c.json({ user: { id: userId, kind } });
});

apiRoutes.get("/models", (c) => {
  const models = CATALOGUE.filter((model) => providerAvailable(model.provider, c.env)).map(toModelInfo);
  return c.json({ models });
});

/** A model id the caller may use right now, or a 400 that says so. */
function usableModel(env: Env, id: string) {
  const model = findModel(id);
  if (!model || !providerAvailable(model.provider, env)) {
    throw new ApiError(400, "unknown_model", `The model "${id}" is not available. See GET /api/v1/models.`);
  }
  return model;
}

apiRoutes.get("/conversations", async (c) => {
  const rows = await listConversations(database(c.env.DB), c.get("identity").userId);
  return c.json({ conversations: rows.map(toSummary) });
});

const createConversationSchema = z.object({ model: z.string().min(1).max(200).optional() }).strict();

apiRoutes.post("/conversations", async (c) => {
  const body = await readJsonBody(c.req.raw, createConversationSchema, { allowEmpty: true });
  const model = body?.model ? usableModel(c.env, body.model).id : null;
  const identity = c.get("identity");
  const row = await createConversation(database(c.env.DB), {
    id: crypto.randomUUID(),
    ownerId: identity.userId,
    kind: identity.kind,
    model,
  });
  return c.json({ conversation: toSummary(row) }, 201);
});

apiRoutes.get("/conversations/:id", async (c) => {
  const db = database(c.env.DB);
  const conversation = await findOwnedConversation(db, c.req.param("id"), c.get("identity").userId);
  if (!conversation) throw notFound();
  const messages = await listMessages(db, conversation.id);
  return c.json({ conversation: toSummary(conversation), messages: messages.map(toChatMessage) });
});

/**
 * Streams an answer as Server-Sent Events. The generation runs in the conversation's room, so
 * browsers that have the conversation open watch it live; closing this stream does not stop it.
 */
apiRoutes.post("/chat/stream", async (c) => {
  getConfig(c.env);
  const body = await readJsonBody(c.req.raw, chatStreamRequestSchema);
  const model = usableModel(c.env, body.model);
  const prompt = body.messages.at(-1);
  if (!prompt || prompt.role !== "user" || prompt.content.trim() === "") {
    throw new ApiError(400, "invalid_request", "The last message must be a non-empty user message.");
  }
  const identity = c.get("identity");
  const db = database(c.env.DB);
  let conversationId = body.conversationId;
  if (conversationId) {
    if (!(await findOwnedConversation(db, conversationId, identity.userId))) throw notFound();
  } else {
    conversationId = crypto.randomUUID();
    await createConversation(db, {
      id: conversationId,
      ownerId: identity.userId,
      kind: identity.kind,
      model: model.id,
    });
  }
  const roomRequest: RoomStreamRequest = {
    model: model.id,
    content: prompt.content,
    // An existing conversation's history lives in the room; only a new one takes the client's.
    prior: body.conversationId ? [] : body.messages.slice(0, -1),
  };
  const room = await getServerByName(c.env.ConversationRoom, conversationId);
  const request = new Request("https://room.parley.internal/stream", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(roomRequest),
  });
  return room.fetch(withIdentity(request, { userId: identity.userId, role: "owner" }));
});
