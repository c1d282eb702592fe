import { createRoute, z } from "@hono/zod-openapi";
import {
  EXPORT_FORMATS,
  accountExportSchema,
  conversationExportSchema,
  searchQuerySchema,
  searchResultsSchema,
} from "#protocol/library";
import { errors, file, json } from "../../responses";

const tags = ["library"];

export const searchRoute = createRoute({
  method: "get",
  path: "/search",
  operationId: "search",
  tags,
  summary: "Search your conversations' titles and messages",
  request: {
    query: z.object({
      q: searchQuerySchema.describe(
        "The words to find, in any order; each also finds longer words it begins. Punctuation and search operators are ignored.",
      ),
    }),
  },
  responses: { 200: json("Matches, titles first", searchResultsSchema), ...errors(400) },
});

export const exportConversationRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/export",
  operationId: "exportConversation",
  tags,
  summary: "Download one conversation: its visible branch as Markdown, or everything as JSON",
  request: {
    params: z.object({ id: z.string() }),
    query: z.object({
      format: z
        .enum(EXPORT_FORMATS, { error: 'must be "markdown" or "json".' })
        .default("markdown")
        .describe("markdown (default) or json"),
    }),
  },
  responses: {
    200: file("A file (Content-Disposition: attachment)", {
      "text/markdown": { schema: z.string() },
      "application/json": { schema: conversationExportSchema },
    }),
    ...errors(400, 403, 404),
  },
});

export const exportAccountRoute = createRoute({
  method: "get",
  path: "/account/export",
  operationId: "exportAccount",
  tags,
  summary: "Download everything Parley keeps about you, as one JSON file",
  responses: {
    200: file("A JSON file (Content-Disposition: attachment)", {
      "application/json": { schema: accountExportSchema },
    }),
    ...errors(),
  },
});
