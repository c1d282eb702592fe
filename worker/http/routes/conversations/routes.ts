import { createRoute, z } from "@hono/zod-openapi";
import {
  conversationAnswerSchema,
  conversationDetailSchema,
  conversationListSchema,
  conversationPatchSchema,
  createConversationSchema,
} from "#protocol/http";
import { jsonBody, readJsonBody, readOptionalJsonBody } from "../../json-body";
import { errors, json } from "../../responses";

const id = z.object({ id: z.string() });
const tags = ["conversations"];

export const listConversationsRoute = createRoute({
  method: "get",
  path: "/conversations",
  operationId: "listConversations",
  tags,
  summary: "Your conversations, newest first",
  responses: { 200: json("Conversations", conversationListSchema), ...errors() },
});

export const createConversationRoute = createRoute({
  method: "post",
  path: "/conversations",
  operationId: "createConversation",
  tags,
  summary: "Start an empty conversation",
  middleware: readOptionalJsonBody,
  request: { body: jsonBody(createConversationSchema, { optional: true }) },
  responses: { 201: json("Created", conversationAnswerSchema), ...errors(400, 409) },
});

export const getConversationRoute = createRoute({
  method: "get",
  path: "/conversations/{id}",
  operationId: "getConversation",
  tags,
  summary: "A conversation and the messages of the branch its room shows",
  request: {
    params: id,
    query: z.object({
      share: z.string().optional().describe("A share link token, to read someone else's"),
    }),
  },
  responses: { 200: json("The conversation", conversationDetailSchema), ...errors(403, 404) },
});

export const updateConversationRoute = createRoute({
  method: "patch",
  path: "/conversations/{id}",
  operationId: "updateConversation",
  tags,
  summary: "Rename, pin or change the system prompt (every open device is told)",
  middleware: readJsonBody,
  request: { params: id, body: jsonBody(conversationPatchSchema) },
  responses: { 200: json("Updated", conversationAnswerSchema), ...errors(400, 403, 404) },
});

export const deleteConversationRoute = createRoute({
  method: "delete",
  path: "/conversations/{id}",
  operationId: "deleteConversation",
  tags,
  summary: "Delete a conversation; its room stops any answer and closes every socket (4404)",
  request: { params: id },
  responses: { 204: { description: "Deleted" }, ...errors(403, 404) },
});

export const restoreConversationRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/restore",
  operationId: "restoreConversation",
  tags,
  summary: "Undo the deletion of a conversation (for a minute after it)",
  request: { params: id },
  responses: { 200: json("Restored", conversationAnswerSchema), ...errors(404) },
});
