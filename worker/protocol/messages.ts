/**
 * The atoms the rest of the protocol is built from: a stored chat message and what it carries
 * (status, usage, errors, files, tool calls), the generation options a prompt may ask for, and
 * the limits the composer and the server's validation share.
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

/** A guest has only a session; a user signed up (an account). */
export const userKindSchema = z.enum(["guest", "user"]);

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative(),
  /**
   * The provider never reported these counts (the answer was stopped before its usage arrived):
   * Parley estimated them from the texts with a tokenizer estimate, and bills the estimate.
   */
  estimated: z.boolean().optional(),
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

/** Limits shared by the composer and the server's validation (in a module of their own, without zod). */
export { MAX_ATTACHMENTS, MAX_PROMPT_CHARS, MAX_SYSTEM_PROMPT_CHARS, MAX_TITLE_CHARS } from "./limits.ts";

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
