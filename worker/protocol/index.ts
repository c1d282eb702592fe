/**
 * The Parley wire protocol: every frame that crosses a ConversationRoom WebSocket, in both
 * directions, plus the shapes the HTTP API returns. One module, imported by the worker and the
 * web app, so both sides parse with the same zod schemas instead of trusting `JSON.parse`.
 * docs/protocol.md describes the semantics (offsets, snapshots, resume).
 */
import { z } from "zod";

export const MESSAGE_STATUSES = ["streaming", "complete", "stopped", "interrupted", "error"] as const;
export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const FINISH_REASONS = [
  "stop",
  "length",
  "tool_calls",
  "content_filter",
  "stopped",
  "interrupted",
  "error",
] as const;
export const finishReasonSchema = z.enum(FINISH_REASONS);
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const roleSchema = z.enum(["system", "user", "assistant"]);
export type Role = z.infer<typeof roleSchema>;

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

export const errorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** A stored message as the API and the snapshot frame present it. */
export const chatMessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  role: roleSchema,
  content: z.string(),
  reasoning: z.string(),
  model: z.string().nullable(),
  status: messageStatusSchema,
  finishReason: finishReasonSchema.nullable(),
  error: errorInfoSchema.nullable(),
  usage: usageSchema.nullable(),
  createdAt: z.number(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Limits shared by the composer and the server's validation. */
export const MAX_PROMPT_CHARS = 32_000;
export const MAX_SYSTEM_PROMPT_CHARS = 8_000;
export const MAX_TITLE_CHARS = 200;

export const REASONING_EFFORTS = ["low", "medium", "high"] as const;

/** Per-request generation options; the server checks them against the model's capabilities. */
export const generationOptionsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
    reasoningEffort: z.enum(REASONING_EFFORTS).optional(),
  })
  .strict();
export type GenerationOptions = z.infer<typeof generationOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Client → server frames
// ---------------------------------------------------------------------------------------------

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("send"),
    content: z.string().trim().min(1).max(MAX_PROMPT_CHARS),
    model: z.string().min(1).max(200),
    /** Lets the sender match its optimistic bubble with the stored message. */
    clientId: z.string().max(100).optional(),
    options: generationOptionsSchema.optional(),
  }),
  z.object({ type: z.literal("stop"), messageId: z.string().optional() }),
  /** Ask for the text of a streaming message from `offset` on (after a missed frame). */
  z.object({
    type: z.literal("resume"),
    messageId: z.string(),
    offset: z.number().int().nonnegative(),
    reasoningOffset: z.number().int().nonnegative().optional(),
  }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

// ---------------------------------------------------------------------------------------------
// Server → client frames
// ---------------------------------------------------------------------------------------------

/** The message being generated right now, as far as it has got. */
export const liveMessageSchema = z.object({
  messageId: z.string(),
  /** Offset of the first character of `text` within the full message text. */
  offset: z.number().int().nonnegative(),
  text: z.string(),
  reasoningOffset: z.number().int().nonnegative(),
  reasoning: z.string(),
});
export type LiveMessage = z.infer<typeof liveMessageSchema>;

export const serverFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("snapshot"),
    conversationId: z.string(),
    title: z.string(),
    /** The latest messages, oldest first. A streaming message appears with its text so far. */
    messages: z.array(chatMessageSchema),
    /** Present while a generation runs; its text continues the streaming message above. */
    live: liveMessageSchema.nullable(),
    viewers: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal("message"), message: chatMessageSchema, clientId: z.string().optional() }),
  z.object({
    type: z.literal("delta"),
    messageId: z.string(),
    offset: z.number().int().nonnegative(),
    text: z.string(),
    reasoningOffset: z.number().int().nonnegative(),
    reasoning: z.string(),
  }),
  z.object({
    type: z.literal("done"),
    messageId: z.string(),
    status: messageStatusSchema,
    finishReason: finishReasonSchema,
    usage: usageSchema.nullable(),
    error: errorInfoSchema.nullable(),
    /** Total lengths, so a client can verify it holds the whole text. */
    length: z.number().int().nonnegative(),
    reasoningLength: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    retryable: z.boolean(),
    /** For `rate_limited` / `quota_exhausted`: how long to wait before trying again. */
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
  /** The sender's rate-limit window after an accepted `send`, so the composer can warn early. */
  z.object({
    type: z.literal("rate_limit"),
    limit: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative(),
    resetAt: z.number(),
  }),
  z.object({ type: z.literal("presence"), viewers: z.number().int().nonnegative() }),
  /** The conversation was renamed or titled automatically. */
  z.object({ type: z.literal("title"), title: z.string() }),
  /** The conversation was deleted; the room closes the connection after this frame. */
  z.object({ type: z.literal("deleted") }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

export type DeltaFrame = Extract<ServerFrame, { type: "delta" }>;
export type DoneFrame = Extract<ServerFrame, { type: "done" }>;

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Parses one client frame; `null` when the text is not a valid frame. */
export function parseClientFrame(raw: string): ClientFrame | null {
  const result = clientFrameSchema.safeParse(parseJson(raw));
  return result.success ? result.data : null;
}

/** Parses one server frame; `null` when the text is not a valid frame. */
export function parseServerFrame(raw: string): ServerFrame | null {
  const result = serverFrameSchema.safeParse(parseJson(raw));
  return result.success ? result.data : null;
}

export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}

// ---------------------------------------------------------------------------------------------
// HTTP API shapes
// ---------------------------------------------------------------------------------------------

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
