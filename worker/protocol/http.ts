/**
 * The shapes of the HTTP API (`/api/v1/*`, docs/api.md): what the routes validate request bodies
 * with and what they answer. The web app's client parses every answer with these same schemas.
 */
import { z } from "zod";
import {
  MAX_PROMPT_CHARS,
  MAX_SYSTEM_PROMPT_CHARS,
  MAX_TITLE_CHARS,
  errorInfoSchema,
  finishReasonSchema,
  generationOptionsSchema,
  roleSchema,
} from "./messages.ts";

export const modelInfoSchema = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  context: z.number().int().positive(),
  maxOutput: z.number().int().positive(),
  caps: z.object({
    reasoning: z.boolean(),
    vision: z.boolean(),
    tools: z.boolean(),
    json: z.boolean(),
    temperature: z.boolean(),
  }),
  pricing: z.object({ inputPerMTok: z.number(), cachedInputPerMTok: z.number(), outputPerMTok: z.number() }),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  model: z.string().nullable(),
  pinned: z.boolean(),
  systemPrompt: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** `POST /api/v1/chat/stream` body. */
export const chatStreamRequestSchema = z.object({
  model: z.string().min(1).max(200),
  messages: z
    .array(
      z.object({
        role: roleSchema,
        content: z.string().max(MAX_PROMPT_CHARS),
      }),
    )
    .min(1)
    .max(200),
  conversationId: z.string().min(1).max(100).optional(),
  /** A system prompt for a new conversation (an existing one keeps its own). */
  system: z.string().max(MAX_SYSTEM_PROMPT_CHARS).optional(),
  ...generationOptionsSchema.shape,
});
export type ChatStreamRequest = z.infer<typeof chatStreamRequestSchema>;

/** The named SSE events of `POST /api/v1/chat/stream`, event name → data shape. */
export const sseEventSchemas = {
  meta: z.object({ conversationId: z.string(), messageId: z.string() }),
  delta: z.object({ text: z.string() }),
  reasoning: z.object({ text: z.string() }),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
  }),
  done: z.object({ finishReason: finishReasonSchema }),
  error: errorInfoSchema,
} as const;
export type SseEventName = keyof typeof sseEventSchemas;

/** `PATCH /api/v1/conversations/:id` body. */
export const conversationPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
    pinned: z.boolean().optional(),
    systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "Nothing to change." });
export type ConversationPatch = z.infer<typeof conversationPatchSchema>;

export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

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
