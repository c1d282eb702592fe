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

export const ATTACHMENT_KINDS = ["image", "pdf", "text"] as const;

/** A file attached to a prompt (the bytes are at `GET /api/v1/attachments/:id`). */
export const attachmentInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  mimeType: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  size: z.number().int().nonnegative(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfoSchema>;

/** A tool call made while writing an answer; `result` is null until the tool has answered. */
export const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The JSON arguments as the model wrote them. */
  arguments: z.string(),
  result: z.string().nullable(),
  /** Where in the answer's text the call happened (the text length at that moment). */
  offset: z.number().int().nonnegative(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

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
  /** The message this one follows (null for the first); branches share a parent. */
  parentId: z.string().nullable().default(null),
  /**
   * Present when this message has alternatives (an edited prompt, a regenerated answer): the ids
   * of all messages with the same parent, oldest first, this one included. `< 2/3 >` in the UI.
   */
  siblings: z.array(z.string()).optional(),
  /** Files sent with this prompt. */
  attachments: z.array(attachmentInfoSchema).optional(),
  /** Tools the model called while writing this answer, in order. */
  toolCalls: z.array(toolCallSchema).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** What a connection may do in a room: owner, collaborator (share link) or watcher. */
export const roomRoleSchema = z.enum(["owner", "editor", "viewer"]);
export type RoomRoleName = z.infer<typeof roomRoleSchema>;

/** One person in a room, with all their connected devices folded together. */
export const personSchema = z.object({
  /** Opaque and stable within this room; not the person's user id. */
  id: z.string(),
  name: z.string(),
  kind: z.enum(["guest", "user"]),
  role: roomRoleSchema,
  devices: z.number().int().positive(),
  typing: z.boolean(),
});
export type Person = z.infer<typeof personSchema>;

/** Limits shared by the composer and the server's validation. */
export const MAX_PROMPT_CHARS = 32_000;
export const MAX_SYSTEM_PROMPT_CHARS = 8_000;
export const MAX_TITLE_CHARS = 200;
/** Files per prompt. */
export const MAX_ATTACHMENTS = 8;

export const REASONING_EFFORTS = ["low", "medium", "high"] as const;

/** Per-request generation options; the server checks them against the model's capabilities. */
export const generationOptionsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
    reasoningEffort: z.enum(REASONING_EFFORTS).optional(),
    /** Let the model call Parley's built-in tools (worker/tools). */
    tools: z.boolean().optional(),
    /** Ask for a JSON object as the answer (models with the `json` capability). */
    responseFormat: z.enum(["json"]).optional(),
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
    /** Ids of files uploaded with `POST /api/v1/attachments` to send with this prompt. */
    attachments: z.array(z.string().min(1).max(100)).max(MAX_ATTACHMENTS).optional(),
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
  /** Write a new answer to the same prompt (optionally with another model); a sibling branch. */
  z.object({
    type: z.literal("regenerate"),
    messageId: z.string().min(1).max(100),
    model: z.string().min(1).max(200).optional(),
    options: generationOptionsSchema.optional(),
  }),
  /** Replace a prompt with new text and answer it: the old prompt stays as a sibling branch. */
  z.object({
    type: z.literal("edit"),
    messageId: z.string().min(1).max(100),
    content: z.string().trim().min(1).max(MAX_PROMPT_CHARS),
    model: z.string().min(1).max(200),
    clientId: z.string().max(100).optional(),
    options: generationOptionsSchema.optional(),
    /** The files of the new version of the prompt (the old version keeps its own). */
    attachments: z.array(z.string().min(1).max(100)).max(MAX_ATTACHMENTS).optional(),
  }),
  /** Carry on writing a `stopped` or `interrupted` answer, appending to the same message. */
  z.object({ type: z.literal("continue"), messageId: z.string().min(1).max(100) }),
  /** Hide one message (and leave it out of what the model sees). */
  z.object({ type: z.literal("delete_message"), messageId: z.string().min(1).max(100) }),
  /** Show the branch that goes through this message, for everyone in the room. */
  z.object({ type: z.literal("switch_branch"), messageId: z.string().min(1).max(100) }),
  /** The composer has (or no longer has) unsent text; shown to the others in the room. */
  z.object({ type: z.literal("typing"), active: z.boolean() }),
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
    /** This connection: its presence id and what it may do. */
    self: z.object({ id: z.string(), role: roomRoleSchema }),
    people: z.array(personSchema),
  }),
  /**
   * The visible branch changed (an edit, a regeneration, a branch switch or a deleted message):
   * replace the message list with these, oldest first. A running generation keeps streaming.
   */
  z.object({ type: z.literal("path"), messages: z.array(chatMessageSchema) }),
  z.object({ type: z.literal("message"), message: chatMessageSchema, clientId: z.string().optional() }),
  z.object({
    type: z.literal("delta"),
    messageId: z.string(),
    offset: z.number().int().nonnegative(),
    text: z.string(),
    /** Both left out of the encoded frame while the answer has no reasoning at all. */
    reasoningOffset: z.number().int().nonnegative().default(0),
    reasoning: z.string().default(""),
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
  /** The answer being written called a tool (`result` null), or the tool answered. */
  z.object({ type: z.literal("tool"), messageId: z.string(), call: toolCallSchema }),
  z.object({
    type: z.literal("presence"),
    viewers: z.number().int().nonnegative(),
    people: z.array(personSchema),
  }),
  /** The conversation was renamed or titled automatically. */
  z.object({ type: z.literal("title"), title: z.string() }),
  /** The conversation was deleted; the room closes the connection after this frame. */
  z.object({ type: z.literal("deleted") }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

/** Close codes a room uses; a client must not reconnect after 4403 or 4404. */
export const CLOSE_CODES = {
  notSignedIn: 4401,
  /** The share link was revoked or rotated. */
  accessRevoked: 4403,
  deleted: 4404,
  /** The share link's mode changed: reconnect to get the new role. */
  accessChanged: 4409,
} as const;

// ---------------------------------------------------------------------------------------------
// UserHub frames (one socket per device of a person; keeps the sidebar in sync)
// ---------------------------------------------------------------------------------------------

export const hubFrameSchema = z.discriminatedUnion("type", [
  /** Sent on every (re)connect: refetch the conversation list to catch up on what was missed. */
  z.object({ type: z.literal("hello") }),
  /** A conversation was created or changed (title, pin, new message): upsert it. */
  z.object({ type: z.literal("conversation"), conversation: z.lazy(() => conversationSummarySchema) }),
  z.object({ type: z.literal("conversation_deleted"), id: z.string() }),
  z.object({ type: z.literal("pong") }),
]);
export type HubFrame = z.infer<typeof hubFrameSchema>;

export function parseHubFrame(raw: string): HubFrame | null {
  const result = hubFrameSchema.safeParse(parseJson(raw));
  return result.success ? result.data : null;
}

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
  const value = parseJson(raw);
  const delta = asDeltaFrame(value);
  if (delta) return delta;
  const result = serverFrameSchema.safeParse(value);
  return result.success ? result.data : null;
}

/**
 * Deltas are nearly every frame a device receives, so they are checked field by field here, as
 * strictly as the schema would (same defaults, unknown fields dropped), without the cost of the
 * whole union for each token. Anything else, or a malformed delta, goes to the schema.
 */
function asDeltaFrame(value: unknown): DeltaFrame | null {
  if (typeof value !== "object" || value === null || (value as { type?: unknown }).type !== "delta") {
    return null;
  }
  const { messageId, offset, text, reasoningOffset = 0, reasoning = "" } = value as Record<string, unknown>;
  const count = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (typeof messageId !== "string" || typeof text !== "string" || typeof reasoning !== "string") return null;
  if (!count(offset) || !count(reasoningOffset)) return null;
  return { type: "delta", messageId, offset, text, reasoningOffset, reasoning };
}

export function encodeFrame(frame: ServerFrame | ClientFrame | HubFrame): string {
  if (
    frame.type === "delta" &&
    "reasoning" in frame &&
    frame.reasoning === "" &&
    frame.reasoningOffset === 0
  ) {
    // Most answers have no reasoning: a delta is then a third shorter without the two fields.
    const { reasoning: _reasoning, reasoningOffset: _offset, ...rest } = frame;
    return JSON.stringify(rest);
  }
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

// ---------------------------------------------------------------------------------------------
// Sharing, search and export
// ---------------------------------------------------------------------------------------------

export const SHARE_MODES = ["watch", "collaborate"] as const;
export const shareModeSchema = z.enum(SHARE_MODES);
export type ShareMode = z.infer<typeof shareModeSchema>;

/** A conversation's live share link, as its owner sees it. */
export const shareSchema = z.object({
  token: z.string(),
  mode: shareModeSchema,
  /** Path of the SPA route that opens the room: `/s/<token>`. */
  path: z.string(),
  createdAt: z.number(),
});
export type Share = z.infer<typeof shareSchema>;

/** `PUT /api/v1/conversations/:id/share` body: create the link, or change its mode. */
export const sharePutSchema = z.object({ mode: shareModeSchema }).strict();

/** `GET /api/v1/shares/:token`: what a share link opens, for the person holding it. */
export const shareInfoSchema = z.object({
  conversation: z.object({ id: z.string(), title: z.string() }),
  mode: shareModeSchema,
  role: roomRoleSchema,
});
export type ShareInfo = z.infer<typeof shareInfoSchema>;

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
