import { createRoute, z } from "@hono/zod-openapi";
import { attachmentAnswerSchema } from "#protocol/http";
import { errors, json } from "../../responses";

const file = z.object({ id: z.string() });
const tags = ["attachments"];

export const uploadAttachmentRoute = createRoute({
  method: "post",
  path: "/attachments",
  operationId: "uploadAttachment",
  tags,
  summary: "Upload a file to send with a prompt (`?name=<file name>`, the bytes as the body)",
  request: {
    query: z.object({ name: z.string().optional().describe("The file's name") }),
    // Raw bytes: documented only, never parsed as JSON (see readCapped).
    body: {
      required: true,
      description: "The file's bytes, with its Content-Type",
      content: { "*/*": { schema: z.string().describe("The bytes") } },
    },
  },
  responses: { 201: json("Stored", attachmentAnswerSchema), ...errors(400, 413, 415) },
});

export const getAttachmentRoute = createRoute({
  method: "get",
  path: "/attachments/{id}",
  operationId: "getAttachment",
  tags,
  summary: "The file, for whoever may read the conversation it was sent in",
  request: {
    params: file,
    query: z.object({ share: z.string().optional().describe("A share link token") }),
  },
  responses: { 200: { description: "The bytes, with their Content-Type" }, ...errors(404) },
});

export const deleteAttachmentRoute = createRoute({
  method: "delete",
  path: "/attachments/{id}",
  operationId: "deleteAttachment",
  tags,
  summary: "Delete an upload that was not sent",
  request: { params: file },
  responses: { 204: { description: "Deleted" }, ...errors(404, 409) },
});
