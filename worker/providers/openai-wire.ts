/**
 * What OpenAI-compatible servers stream (https://platform.openai.com/docs/api-reference/chat-streaming)
 * and how it is normalized: where usage arrives, what reasoning is called, `choices` that are
 * empty or null, and error bodies. Servers send odd values in fields we read (null, absent, wrong
 * type): each field degrades to null on its own instead of failing the chunk and losing its text.
 */
import { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";
import type { FinishReason } from "#protocol/messages";
import type { ProviderUsage } from "./types";
import type { UpstreamFailure } from "./upstream-errors";

const text = z.string().nullish().catch(null);
const count = z.number().nonnegative().nullish().catch(null);

const usageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.object({ cached_tokens: count }).nullish().catch(null),
  completion_tokens_details: z.object({ reasoning_tokens: count }).nullish().catch(null),
  /** DeepSeek's name for cached prompt tokens. */
  prompt_cache_hit_tokens: count,
  /** OpenRouter: what the answer cost, in credits (1 credit = 1 USD). */
  cost: count,
});
export type OpenAIWireUsage = z.infer<typeof usageSchema>;

/**
 * A piece of a tool call: `index` says which call (several may be interleaved), `id` and the
 * function name come on its first piece, the arguments JSON is cut across many. Some local
 * servers send whole calls, or arguments as an object instead of JSON text.
 */
const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative().nullish().catch(null),
  id: text,
  function: z
    .object({
      name: text,
      arguments: z
        .union([z.string(), z.record(z.string(), z.unknown())])
        .nullish()
        .catch(null),
    })
    .nullish()
    .catch(null),
});
export type OpenAIToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

const choiceSchema = z.object({
  index: z.number().nullish().catch(null),
  delta: z
    .object({
      content: text,
      /** DeepSeek (and vLLM before 0.9). */
      reasoning_content: text,
      /** OpenRouter, vLLM, Ollama. */
      reasoning: text,
      tool_calls: z.array(toolCallDeltaSchema.nullable().catch(null)).nullish().catch(null),
    })
    .nullish()
    .catch(null),
  finish_reason: text,
});

export const chunkSchema = z.object({
  choices: z.array(choiceSchema.nullable().catch(null)).nullish().catch(null),
  usage: usageSchema.nullish().catch(null),
});
export type OpenAIWireChunk = z.infer<typeof chunkSchema>;

const errorBodySchema = z.object({
  message: z.string().nullish().catch(null),
  type: z.string().nullish().catch(null),
  code: z.union([z.string(), z.number()]).nullish().catch(null),
});

export const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
};

/** The first choice of a chunk, wherever the server put it (or nothing when `choices` is [] or null). */
export function firstChoice(chunk: OpenAIWireChunk): z.infer<typeof choiceSchema> | undefined {
  return chunk.choices?.find((choice) => choice !== null && (choice.index ?? 0) === 0) ?? undefined;
}

/** Reasoning under whichever name the server uses; OpenRouter's `reasoning_details` repeat it, so they are not read. */
export function reasoningOf(choice: z.infer<typeof choiceSchema> | undefined): string | null | undefined {
  return choice?.delta?.reasoning_content ?? choice?.delta?.reasoning;
}

export function toOpenAIUsage(usage: OpenAIWireUsage, options: { withCost: boolean }): ProviderUsage {
  const normalized: ProviderUsage = {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
  };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  if (cached != null) normalized.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning != null) normalized.reasoningTokens = reasoning;
  if (options.withCost && usage.cost != null) normalized.costUsd = usage.cost;
  return normalized;
}

export function describeOpenAIError(error: unknown): UpstreamFailure | null {
  if (
    !(error instanceof APIError) ||
    error instanceof APIConnectionError ||
    error instanceof APIUserAbortError
  ) {
    return null;
  }
  // Some compatible servers send `{"error": "text"}` instead of an error object.
  const body = errorBodySchema.safeParse(error.error);
  const message = typeof error.error === "string" ? error.error : body.success ? body.data.message : null;
  const code = body.success ? body.data.code : null;
  const type = body.success ? body.data.type : null;
  return {
    status: error.status,
    headers: error.headers,
    type: type ?? undefined,
    code: code == null ? undefined : String(code),
    message: message ?? undefined,
  };
}
