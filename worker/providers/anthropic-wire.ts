/**
 * What Anthropic's Messages API streams (https://docs.anthropic.com/en/api/messages-streaming) and
 * how it is read: the events the adapter acts on, the usage they carry, the stop reasons, and the
 * SDK's APIError as an UpstreamFailure. Fields degrade to null one by one, so an odd value never
 * costs an event its text.
 */
import { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { z } from "zod";
import type { FinishReason } from "#protocol/messages";
import type { UpstreamFailure } from "./retry";
import type { ProviderUsage } from "./types";

const count = z.number().nonnegative().nullish().catch(null);
const usageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count,
  cache_creation_input_tokens: count,
});
export type WireUsage = z.infer<typeof usageSchema>;

const optionalText = z.string().nullish().catch(null);

/** The events this adapter acts on; anything else fails to parse and is skipped. */
export const eventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message_start"),
    message: z.object({ usage: usageSchema.nullish().catch(null) }),
  }),
  z.object({
    type: z.literal("content_block_start"),
    index: z.number().int().nonnegative(),
    content_block: z.object({
      type: z.string(),
      /** tool_use */
      id: optionalText,
      name: optionalText,
      /** thinking */
      thinking: optionalText,
      signature: optionalText,
      /** redacted_thinking */
      data: optionalText,
    }),
  }),
  z.object({
    type: z.literal("content_block_delta"),
    index: z.number().int().nonnegative().nullish().catch(null),
    delta: z.object({
      type: z.string(),
      text: optionalText,
      thinking: optionalText,
      signature: optionalText,
      partial_json: optionalText,
    }),
  }),
  z.object({
    type: z.literal("message_delta"),
    delta: z
      .object({ stop_reason: z.string().nullish().catch(null) })
      .nullish()
      .catch(null),
    usage: usageSchema.nullish().catch(null),
  }),
]);

const errorBodySchema = z.object({
  error: z.object({ type: z.string().nullish().catch(null), message: z.string().nullish().catch(null) }),
});

export const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** Latest values win: message_delta's `output_tokens` is a running total, not an increment. */
export function mergeUsage(current: WireUsage, update: WireUsage | null | undefined): WireUsage {
  if (!update) return current;
  return {
    input_tokens: update.input_tokens ?? current.input_tokens,
    output_tokens: update.output_tokens ?? current.output_tokens,
    cache_read_input_tokens: update.cache_read_input_tokens ?? current.cache_read_input_tokens,
    cache_creation_input_tokens: update.cache_creation_input_tokens ?? current.cache_creation_input_tokens,
  };
}

/** Anthropic's `input_tokens` excludes cache reads and writes; Parley counts all prompt tokens. */
export function toUsage(usage: WireUsage): ProviderUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const uncached = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
  return {
    inputTokens: uncached + cacheRead,
    outputTokens: usage.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
  };
}

export function describeAnthropicError(error: unknown): UpstreamFailure | null {
  if (
    !(error instanceof APIError) ||
    error instanceof APIConnectionError ||
    error instanceof APIUserAbortError
  ) {
    return null;
  }
  const body = errorBodySchema.safeParse(error.error);
  return {
    status: error.status,
    headers: error.headers,
    type: error.type ?? (body.success ? body.data.error.type : null) ?? undefined,
    message: (body.success ? body.data.error.message : null) ?? undefined,
  };
}
