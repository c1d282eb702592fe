/**
 * `/api/v1/conversations`: list, create, read (the branch the room shows), rename / pin / change
 * the system prompt, delete and undo a delete. Every change is pushed to the owner's devices.
 */
import { getServerByName } from "partyserver";
import { authorize } from "../../../auth/policy";
import { attachmentsByMessage } from "../../../db/attachments";
import { presentPath } from "../../../db/branches";
import { restoreConversation } from "../../../db/export";
import {
  createConversation,
  database,
  listConversations,
  listMessages,
  softDeleteConversation,
  toSummary,
  updateConversation,
} from "../../../db/queries";
import { AppError, notFound } from "../../../errors";
import { notifyConversation, notifyDeleted } from "../../hub-notify";
import { createRouter } from "../../router";
import { usableModel } from "../models/access";
import {
  createConversationRoute,
  deleteConversationRoute,
  getConversationRoute,
  listConversationsRoute,
  restoreConversationRoute,
  updateConversationRoute,
} from "./routes";

export const conversationRoutes = createRouter()
  .openapi(listConversationsRoute, async (c) => {
    const rows = await listConversations(database(c.env.DB), c.get("identity").userId);
    return c.json({ conversations: rows.map(toSummary) }, 200);
  })
  .openapi(createConversationRoute, async (c) => {
    const body = c.req.valid("json");
    const model = body.model ? (await usableModel(c.env, body.model)).id : null;
    const identity = c.get("identity");
    const id = body.id ?? crypto.randomUUID();
    const row = await createConversation(database(c.env.DB), {
      id,
      ownerId: identity.userId,
      kind: identity.kind,
      model,
      ...(body.systemPrompt ? { systemPrompt: body.systemPrompt } : {}),
    });
    if (row.ownerId !== identity.userId || row.deletedAt !== null)
      throw new AppError(409, "conflict", "That conversation id is taken. Start the chat again.");
    await notifyConversation(c.env, identity.userId, toSummary(row));
    return c.json({ conversation: toSummary(row) }, 201);
  })
  .openapi(getConversationRoute, async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { share } = c.req.valid("query");
    const { conversation } = await authorize(db, id, c.get("identity").userId, "read", share);
    const [rows, files] = await Promise.all([
      listMessages(db, conversation.id),
      attachmentsByMessage(db, conversation.id),
    ]);
    const messages = presentPath(rows, conversation.activeLeafId, files);
    return c.json({ conversation: toSummary(conversation), messages }, 200);
  })
  .openapi(updateConversationRoute, async (c) => {
    const patch = c.req.valid("json");
    const identity = c.get("identity");
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { conversation } = await authorize(db, id, identity.userId, "manage");
    const updated = await updateConversation(db, conversation.id, patch);
    if (!updated) throw notFound();
    // The room keeps a copy of the conversation (its system prompt for the next turn, its title).
    const room = await getServerByName(c.env.ConversationRoom, conversation.id);
    await room.conversationChanged(patch.title !== undefined ? updated.title : undefined);
    await notifyConversation(c.env, identity.userId, toSummary(updated));
    return c.json({ conversation: toSummary(updated) }, 200);
  })
  .openapi(deleteConversationRoute, async (c) => {
    const identity = c.get("identity");
    const db = database(c.env.DB);
    const { conversation } = await authorize(db, c.req.valid("param").id, identity.userId, "manage");
    await softDeleteConversation(db, conversation.id);
    const room = await getServerByName(c.env.ConversationRoom, conversation.id);
    await room.closeForDeletion();
    await notifyDeleted(c.env, identity.userId, conversation.id);
    return c.body(null, 204);
  })
  .openapi(restoreConversationRoute, async (c) => {
    const ownerId = c.get("identity").userId;
    const row = await restoreConversation(database(c.env.DB), c.req.valid("param").id, ownerId);
    if (!row) throw notFound();
    const room = await getServerByName(c.env.ConversationRoom, row.id);
    await room.conversationChanged();
    await notifyConversation(c.env, ownerId, toSummary(row));
    return c.json({ conversation: toSummary(row) }, 200);
  });
