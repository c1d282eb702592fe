/**
 * The frames that cross a ConversationRoom WebSocket, in both directions, and the one parser and
 * encoder for them, so the worker and the web app parse with the same zod schemas instead of
 * trusting `JSON.parse`. docs/protocol.md describes the semantics (offsets, snapshots, resume).
 */
import { z } from "zod";
import { parseJson } from "./frame-codec.ts";
import {
  MAX_ATTACHMENTS,
  MAX_PROMPT_CHARS,
  chatMessageSchema,
  errorInfoSchema,
  finishReasonSchema,
  generationOptionsSchema,
  messageStatusSchema,
  toolCallSchema,
  usageSchema,
  userKindSchema,
} from "./messages.ts";

/** What a connection may do in a room: owner, collaborator (share link) or watcher. */
export const roomRoleSchema = z.enum(["owner", "editor", "viewer"]);
export type RoomRoleName = z.infer<typeof roomRoleSchema>;

/** One person in a room, with all their connected devices folded together. */
export const personSchema = z.object({
  /** Opaque and stable within this room; not the person's user id. */
  id: z.string(),
  name: z.string(),
  kind: userKindSchema,
  role: roomRoleSchema,
  devices: z.number().int().positive(),
  typing: z.boolean(),
});
export type Person = z.infer<typeof personSchema>;

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
    /** The room version this snapshot is as of (see `changesRoomState`); quoted on reconnect. */
    version: z.string().max(100),
  }),
  /**
   * The answer to a reconnect that quoted the room's current version: the device's messages are
   * still right, so it gets only the live text it missed (from `offset`, reasoning from
   * `reasoningOffset`; all four are left out when there is nothing to add).
   */
  z.object({
    type: z.literal("resumed"),
    self: z.object({ id: z.string(), role: roomRoleSchema }),
    offset: z.number().int().nonnegative().default(0),
    text: z.string().default(""),
    reasoningOffset: z.number().int().nonnegative().default(0),
    reasoning: z.string().default(""),
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

/** Close codes a room uses (4410 and 4429 the hub too). */
export { CLOSE_CODES } from "./close-codes.ts";

export type DeltaFrame = Extract<ServerFrame, { type: "delta" }>;
export type ResumedFrame = Extract<ServerFrame, { type: "resumed" }>;
export type DoneFrame = Extract<ServerFrame, { type: "done" }>;

// The helpers that need no schema (versions, encoding) are in frame-codec.ts, which the browser's
// first load imports without zod.
export { changesRoomState, encodeFrame, nextRoomVersion, parseJson, roomVersion } from "./frame-codec.ts";

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
