import { createRoute, z } from "@hono/zod-openapi";
import { conversationUsageSchema, monthUsageSchema } from "#protocol/http";
import { errors, json } from "../../responses";

export const monthUsageRoute = createRoute({
  method: "get",
  path: "/usage",
  operationId: "getMonthUsage",
  tags: ["usage"],
  summary: "Your usage this calendar month (UTC), in total and per model",
  responses: { 200: json("Usage", monthUsageSchema), ...errors() },
});

export const conversationUsageRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/usage",
  operationId: "getConversationUsage",
  tags: ["usage"],
  summary: "Tokens and cost of one conversation",
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: json("Usage", conversationUsageSchema), ...errors(403, 404) },
});
