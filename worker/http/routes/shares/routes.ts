import { createRoute, z } from "@hono/zod-openapi";
import { conversationAnswerSchema } from "#protocol/http";
import { shareAnswerSchema, shareInfoSchema, sharePutSchema, shareStateSchema } from "#protocol/sharing";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";

const conversation = z.object({ id: z.string() });
const link = z.object({ token: z.string() });
const tags = ["sharing"];

export const getShareRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/share",
  operationId: "getShare",
  tags,
  summary: "The conversation's live share link (or null) and who is in its room",
  request: { params: conversation },
  responses: { 200: json("Share state", shareStateSchema), ...errors(403, 404) },
});

export const putShareRoute = createRoute({
  method: "put",
  path: "/conversations/{id}/share",
  operationId: "putShare",
  tags,
  summary: "Create the share link, or change its mode (watch / collaborate)",
  middleware: readJsonBody,
  request: { params: conversation, body: jsonBody(sharePutSchema) },
  responses: {
    200: json("The link, its mode changed or as it was", shareAnswerSchema),
    201: json("The link, created", shareAnswerSchema),
    ...errors(400, 403, 404),
  },
});

export const rotateShareRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/share/rotate",
  operationId: "rotateShare",
  tags,
  summary: "Replace the link with a new token; holders of the old one are disconnected (4403)",
  request: { params: conversation },
  responses: { 200: json("The new link", shareAnswerSchema), ...errors(403, 404) },
});

export const revokeShareRoute = createRoute({
  method: "delete",
  path: "/conversations/{id}/share",
  operationId: "revokeShare",
  tags,
  summary: "Revoke the link; its holders are disconnected (4403)",
  request: { params: conversation },
  responses: { 204: { description: "Revoked" }, ...errors(403, 404) },
});

export const openShareRoute = createRoute({
  method: "get",
  path: "/shares/{token}",
  operationId: "openShare",
  tags,
  summary: "What a share link opens, and your role in it",
  request: { params: link },
  responses: { 200: json("The shared conversation", shareInfoSchema), ...errors(404) },
});

export const forkShareRoute = createRoute({
  method: "post",
  path: "/shares/{token}/fork",
  operationId: "forkShare",
  tags,
  summary: "Copy the shared conversation's visible branch into a new conversation of yours",
  request: { params: link },
  responses: { 201: json("The copy", conversationAnswerSchema), ...errors(404) },
});
