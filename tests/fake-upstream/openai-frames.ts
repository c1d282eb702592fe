/**
 * Real-shaped OpenAI Chat Completions streaming chunks and error bodies
 * (https://platform.openai.com/docs/api-reference/chat-streaming), with the variants
 * OpenRouter, DeepSeek, Gemini's OpenAI endpoint and local servers send.
 */
import { type CaseContext, frameDelay } from "./case-context.ts";
import { dataFrame, DONE_FRAME, randomId } from "./sse-writer.ts";
import { NORMAL_CHUNKS, NORMAL_TOKENS } from "./texts.ts";

export interface ChunkStream {
  id: string;
  created: number;
  model: string;
}

export function newChunkStream(model: string): ChunkStream {
  return { id: randomId("chatcmpl-", 29), created: Math.floor(Date.now() / 1000), model };
}

export type Delta = Record<string, unknown>;

export function chunk(stream: ChunkStream, choices: unknown, extra: Record<string, unknown> = {}): unknown {
  return {
    id: stream.id,
    object: "chat.completion.chunk",
    created: stream.created,
    model: stream.model,
    service_tier: "default",
    system_fingerprint: "fp_f9b3e1a2c4",
    choices,
    usage: null,
    obfuscation: randomId("", 6),
    ...extra,
  };
}

export function choiceList(delta: Delta, finishReason: string | null = null): unknown[] {
  return [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
}

export function roleFrame(stream: ChunkStream, extraDelta: Delta = {}): string {
  return dataFrame(
    chunk(stream, choiceList({ role: "assistant", content: "", refusal: null, ...extraDelta })),
  );
}

export function textFrames(stream: ChunkStream, texts: readonly string[]): string[] {
  return texts.map((text) => dataFrame(chunk(stream, choiceList({ content: text }))));
}

export function finishFrame(
  stream: ChunkStream,
  reason: string,
  extra: Record<string, unknown> = {},
): string {
  return dataFrame(chunk(stream, choiceList({}, reason), extra));
}

/** OpenAI's usage as sent with `stream_options.include_usage` (cached and reasoning details). */
export function openAIUsage(
  prompt: number,
  completion: number,
  cached: number,
  reasoning: number,
): Record<string, unknown> {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The separate last chunk: `choices: []` and the usage. */
export function usageFrame(stream: ChunkStream, usage: unknown): string {
  return dataFrame(chunk(stream, [], { usage }));
}

/** Usage the `normal` case reports: a reasoning model with a warm prompt cache. */
export const NORMAL_USAGE = openAIUsage(NORMAL_TOKENS.input, NORMAL_TOKENS.output, 1024, 64);

export function streamHeaders(): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, must-revalidate",
    "x-request-id": randomId("req_", 32),
    "openai-version": "2020-10-01",
    "openai-processing-ms": "187",
    "x-ratelimit-limit-requests": "5000",
    "x-ratelimit-remaining-requests": "4999",
    "x-ratelimit-limit-tokens": "4000000",
    "x-ratelimit-remaining-tokens": "3998750",
  };
}

export function errorHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "x-request-id": randomId("req_", 32), "openai-version": "2020-10-01", ...extra };
}

/** `{"error": {message, type, param, code}}`, OpenAI's error body. */
export function errorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): unknown {
  return { error: { message, type, param, code } };
}

export const RATE_LIMIT_BODY = errorBody(
  "Rate limit reached for gpt-5-mini in organization org-parleytest on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 50ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
  "requests",
  "rate_limit_exceeded",
);

export const QUOTA_BODY = errorBody(
  "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
  "insufficient_quota",
  "insufficient_quota",
);

export const SERVER_ERROR_BODY = errorBody(
  "The server had an error while processing your request. Sorry about that!",
  "server_error",
  null,
);

export const OVERLOADED_BODY = errorBody(
  "The engine is currently overloaded, please try again later.",
  "server_error",
  null,
);

export const BAD_REQUEST_BODY = errorBody(
  "Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an integer instead.",
  "invalid_request_error",
  "invalid_type",
  "messages[0].content",
);

export const AUTH_BODY = errorBody(
  "Incorrect API key provided: sk-test-****enai. You can find your API key at https://platform.openai.com/account/api-keys.",
  "invalid_request_error",
  "invalid_api_key",
);

export const CONTEXT_BODY = errorBody(
  "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
  "invalid_request_error",
  "context_length_exceeded",
  "messages",
);

/** Sends a 200 event stream of `frames`, `delay` param (or `delayMs`) apart, then ends it. */
export async function streamOpenAIFrames(
  context: CaseContext,
  frames: readonly string[],
  delayMs = 0,
): Promise<void> {
  context.writer.startStream(200, streamHeaders());
  await context.writer.writeFrames(frames, frameDelay(context, delayMs));
  context.writer.end();
}

/** The `normal` case: role chunk, text, finish, a separate usage chunk, [DONE]. */
export function streamNormal(context: CaseContext): Promise<void> {
  const stream = newChunkStream(context.model);
  return streamOpenAIFrames(context, [
    roleFrame(stream),
    ...textFrames(stream, NORMAL_CHUNKS),
    finishFrame(stream, "stop"),
    usageFrame(stream, NORMAL_USAGE),
    DONE_FRAME,
  ]);
}
