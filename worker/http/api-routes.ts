/** The v1 JSON API: models, conversations and the SSE chat endpoint. See docs/api.md. */
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import {
  createConversation,
  database,
  listConversations,
  listMessages,
  softDeleteConversation,
  toSummary,
  updateConversation,
} from "../db/queries";
import { presentPath } from "../db/branches";
import { readDefaultModel } from "../admin/settings";
import { attachmentsByMessage } from "../db/attachments";
import { authorize, type ConversationAction } from "../auth/policy";
import { notifyConversation, notifyDeleted } from "./hub-notify";
import { conversationUsage, monthRange, userMonthUsage } from "../db/usage";
import { listProviderKeys } from "../auth/key-vault";
import type { Identity } from "../auth/session";
import {
  chatStreamRequestSchema,
  conversationPatchSchema,
  createConversationSchema,
  type SessionUser,
} from "#protocol/http";
import { findUsableModel, toModelInfo, usableModels } from "../providers/catalogue";
import { withOwnKeys, type ProviderEnv } from "../providers";
import type { RoomStreamRequest } from "../room/sse";
import { clientIp, withIdentity } from "../room/identity";
import { findUser } from "../auth/accounts";
import { publicUser } from "./auth-routes";
import type { AppEnv } from "./app-env";
import { AppError, notFound } from "../errors";
import { readJsonBody } from "./json-body";

export const apiRoutes = new Hono<AppEnv>();

apiRoutes.get("/session", async (c) => {
  const { userId, kind } = c.get("identity");
  const user = kind === "user" ? await findUser(database(c.env.DB), userId) : undefined;
  const guest: SessionUser = { id: userId, kind, email: null, displayName: null, role: "member" };
  return c.json({ user: user ? publicUser(user) : guest });
});

/**
 * The providers this caller can reach: the server's, plus those they saved their own key for
 * (the keys themselves stay encrypted here; only the room decrypts one, to use it).
 */
async function callerProviders(
  env: Env,
  identity: Identity,
): Promise<{ env: ProviderEnv; own: Set<string> }> {
  if (identity.kind !== "user") return { env, own: new Set() };
  const saved = await listProviderKeys(database(env.DB), identity.userId);
  const own = new Set(saved.map((key) => key.provider));
  return { env: withOwnKeys(env, new Map([...own].map((provider) => [provider, "saved"]))), own };
}

apiRoutes.get("/models", async (c) => {
  const { env } = await callerProviders(c.env, c.get("identity"));
  const db = database(c.env.DB);
  const [models, preferred] = await Promise.all([usableModels(db, env), readDefaultModel(db)]);
  // The admin's default model comes first: the app starts new chats with the first one.
  const chosen = models.find((model) => model.id === preferred);
  const ordered = chosen ? [chosen, ...models.filter((model) => model !== chosen)] : models;
  return c.json({ models: ordered.map(toModelInfo), defaultModel: ordered[0]?.id ?? null });
});

/** A model id the caller may use right now, or a 400 that says so. */
async function usableModel(env: Env & ProviderEnv, id: string) {
  const model = await findUsableModel(database(env.DB), env, id);
  if (!model) {
    throw new AppError(400, "unknown_model", `The model "${id}" is not available. See GET /api/v1/models.`);
  }
  return model;
}

/** A conversation the caller may act on (worker/auth/policy.ts), or a 404/403. */
async function allowedConversation(env: Env, id: string, userId: string, action: ConversationAction) {
  return (await authorize(database(env.DB), id, userId, action)).conversation;
}

apiRoutes.get("/conversations", async (c) => {
  const rows = await listConversations(database(c.env.DB), c.get("identity").userId);
  return c.json({ conversations: rows.map(toSummary) });
});

apiRoutes.post("/conversations", async (c) => {
  const body = await readJsonBody(c.req.raw, createConversationSchema, { allowEmpty: true });
  const model = body?.model ? (await usableModel(c.env, body.model)).id : null;
  const identity = c.get("identity");
  const row = await createConversation(database(c.env.DB), {
    id: crypto.randomUUID(),
    ownerId: identity.userId,
    kind: identity.kind,
    model,
    ...(body?.systemPrompt ? { systemPrompt: body.systemPrompt } : {}),
  });
  await notifyConversation(c.env, identity.userId, toSummary(row));
  return c.json({ conversation: toSummary(row) }, 201);
});

/**
 * A conversation with the branch its room shows. Someone holding a share link reads it with
 * `?share=<token>`.
 */
apiRoutes.get("/conversations/:id", async (c) => {
  const db = database(c.env.DB);
  const { conversation } = await authorize(
    db,
    c.req.param("id"),
    c.get("identity").userId,
    "read",
    c.req.query("share"),
  );
  const [rows, files] = await Promise.all([
    listMessages(db, conversation.id),
    attachmentsByMessage(db, conversation.id),
  ]);
  const messages = presentPath(rows, conversation.activeLeafId, files);
  return c.json({ conversation: toSummary(conversation), messages });
});

apiRoutes.patch("/conversations/:id", async (c) => {
  const patch = await readJsonBody(c.req.raw, conversationPatchSchema);
  const identity = c.get("identity");
  const conversation = await allowedConversation(c.env, c.req.param("id"), identity.userId, "manage");
  const updated = await updateConversation(database(c.env.DB), conversation.id, patch);
  if (!updated) throw notFound();
  // The room keeps a copy of the conversation (its system prompt for the next turn, its title).
  const room = await getServerByName(c.env.ConversationRoom, conversation.id);
  await room.conversationChanged(patch.title !== undefined ? updated.title : undefined);
  await notifyConversation(c.env, identity.userId, toSummary(updated));
  return c.json({ conversation: toSummary(updated) });
});

apiRoutes.delete("/conversations/:id", async (c) => {
  const identity = c.get("identity");
  const conversation = await allowedConversation(c.env, c.req.param("id"), identity.userId, "manage");
  await softDeleteConversation(database(c.env.DB), conversation.id);
  const room = await getServerByName(c.env.ConversationRoom, conversation.id);
  await room.closeForDeletion();
  await notifyDeleted(c.env, identity.userId, conversation.id);
  return c.body(null, 204);
});

apiRoutes.get("/conversations/:id/usage", async (c) => {
  const conversation = await allowedConversation(
    c.env,
    c.req.param("id"),
    c.get("identity").userId,
    "manage",
  );
  return c.json({ usage: await conversationUsage(database(c.env.DB), conversation.id) });
});

/** The caller's usage this calendar month (UTC), in total and per model. */
apiRoutes.get("/usage", async (c) => {
  const range = monthRange(new Date());
  const usage = await userMonthUsage(database(c.env.DB), c.get("identity").userId, range);
  return c.json({ month: range.month, ...usage });
});

/**
 * Streams an answer as Server-Sent Events. The worker only authenticates the caller; the room
 * checks that the conversation is theirs and admits the turn exactly as it admits a device's
 * `send` (model, options, moderation, quota, rate, slot), then runs it, so browsers that have the
 * conversation open watch it live. Closing this stream does not stop the answer.
 */
apiRoutes.post("/chat/stream", async (c) => {
  const body = await readJsonBody(c.req.raw, chatStreamRequestSchema);
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
  const room = await getServerByName(c.env.ConversationRoom, conversationId);
  const request = new Request("https://room.parley.internal/stream", {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": c.get("requestId") },
    body: JSON.stringify(roomRequest),
  });
  return room.fetch(
    withIdentity(request, {
      userId: identity.userId,
      kind: identity.kind,
      ip: clientIp(c.req.raw),
      role: "owner",
      name: "API",
      share: null,
    }),
  );
});
