/**
 * A person's library over HTTP: searching their history and exporting one conversation or
 * everything Parley keeps about them (docs/api.md).
 */
import { z } from "zod";
import { MAX_SEARCH_CHARS } from "./limits.ts";
import { chatMessageSchema } from "./messages.ts";
import { conversationSummarySchema, monthUsageSchema, sessionUserSchema, usageTotalsSchema } from "./http.ts";

/** The server refuses longer queries (the number lives in limits.ts, a module without zod). */
export { MAX_SEARCH_CHARS };

/** `q` of `GET /api/v1/search`. */
export const searchQuerySchema = z
  .string({ error: "the search text must be 1 to 200 characters." })
  .trim()
  .min(1, "the search text must be 1 to 200 characters.")
  .max(MAX_SEARCH_CHARS, "the search text must be 1 to 200 characters.");

/** One hit of `GET /api/v1/search?q=`: a title match (messageId null) or a message match. */
export const searchResultSchema = z.object({
  conversationId: z.string(),
  title: z.string(),
  messageId: z.string().nullable(),
  /** The matching text around the hit, split into plain and matched parts (no HTML). */
  snippet: z.array(z.object({ text: z.string(), match: z.boolean() })),
  updatedAt: z.number(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
export const searchResultsSchema = z.object({ results: z.array(searchResultSchema) });

export const EXPORT_FORMATS = ["markdown", "json"] as const;

/** A conversation as an export file has it: its summary and which message the room shows. */
const exportedConversationSchema = conversationSummarySchema.extend({ activeLeafId: z.string().nullable() });

/** `GET /api/v1/conversations/:id/export?format=json`: every message, every branch. */
export const conversationExportSchema = z.object({
  format: z.literal("parley.conversation.v1"),
  exportedAt: z.string(),
  conversation: exportedConversationSchema,
  models: z.array(z.object({ id: z.string(), name: z.string() })),
  messages: z.array(chatMessageSchema.extend({ onActiveBranch: z.boolean() })),
  usage: usageTotalsSchema,
});
export type ConversationExport = z.infer<typeof conversationExportSchema>;

/** `GET /api/v1/account/export`: everything Parley keeps about the caller. */
export const accountExportSchema = z.object({
  format: z.literal("parley.account.v1"),
  exportedAt: z.string(),
  profile: sessionUserSchema.extend({ createdAt: z.number().nullable() }),
  conversations: z.array(exportedConversationSchema.extend({ messages: z.array(chatMessageSchema) })),
  /** Which providers have a saved key (never the key itself). */
  providerKeys: z.array(z.object({ provider: z.string(), last4: z.string(), createdAt: z.number() })),
  usage: z.array(monthUsageSchema),
});
export type AccountExport = z.infer<typeof accountExportSchema>;
