/**
 * OpenAI-compatible adapter (OpenAI, OpenRouter, DeepSeek, Gemini's OpenAI endpoint, Ollama, vLLM,
 * any base URL) on the openai SDK. The SDK parses SSE; this module normalizes what the servers
 * disagree on: where usage arrives, what reasoning is called, `choices` that are empty or null,
 * and errors that arrive as chunks. See shared PROVIDERS.md for the wire format and its traps.
 */
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from "openai";
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { z } from "zod";
import type { FinishReason } from "../protocol";
import {
  type AttemptContext,
  IncompleteStreamError,
  retryPolicy,
  streamWithRetry,
  type UpstreamFailure,
  UpstreamFailureError,
} from "./retry";
import type { Provider, ProviderConfig, ProviderEvent, ProviderRequest, ProviderUsage } from "./types";

// Servers send odd values in fields we read (null, absent, wrong type): each field degrades to
// null on its own instead of failing the whole chunk and losing its text.
const text = z.string().nullish().catch(null);
const count = z.number().nonnegative().nullish().catch(null);

const usageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.object({ cached_tokens: count }).nullish().catch(null),
  completion_tokens_details: z.object({ reasoning_tokens: count }).nullish().catch(null),
  /** DeepSeek's name for cached prompt tokens. */
  prompt_cache_hit_tokens: count,
});

const choiceSchema = z.object({
  index: z.number().nullish().catch(null),
  delta: z.object({ content: text, reasoning_content: text, reasoning: text }).nullish().catch(null),
  finish_reason: text,
});

const chunkSchema = z.object({
  choices: z.array(choiceSchema.nullable().catch(null)).nullish().catch(null),
  usage: usageSchema.nullish().catch(null),
});

const errorBodySchema = z.object({
  message: z.string().nullish().catch(null),
  type: z.string().nullish().catch(null),
  code: z.union([z.string(), z.number()]).nullish().catch(null),
});

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
};

const KNOWN_HOSTS: Record<string, string> = {
  "api.openai.com": "OpenAI",
  "openrouter.ai": "OpenRouter",
  "api.deepseek.com": "DeepSeek",
  "generativelanguage.googleapis.com": "Gemini",
};

/** How messages name the upstream: the provider for known hosts, else the host itself. */
function providerNameFor(baseURL: string): string {
  const host = URL.canParse(baseURL) ? new URL(baseURL).host : baseURL;
  return KNOWN_HOSTS[host] ?? host;
}

/**
 * api.openai.com rejects `max_tokens` for its reasoning models (o-series, gpt-5) and wants
 * `max_completion_tokens`; many OpenAI-compatible servers (Ollama, llama.cpp, LM Studio, older
 * vLLM) only know `max_tokens`, which OpenRouter, DeepSeek and Gemini's endpoint accept too.
 */
function maxTokensParam(
  baseURL: string,
  maxOutputTokens: number,
): { max_completion_tokens: number } | { max_tokens: number } {
  const host = URL.canParse(baseURL) ? new URL(baseURL).host : "";
  return host === "api.openai.com"
    ? { max_completion_tokens: maxOutputTokens }
    : { max_tokens: maxOutputTokens };
}

function toUsage(usage: z.infer<typeof usageSchema>): ProviderUsage {
  const normalized: ProviderUsage = {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
  };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  if (cached != null) normalized.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning != null) normalized.reasoningTokens = reasoning;
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

export class OpenAIProvider implements Provider {
  readonly id = "openai";
  readonly #config: ProviderConfig;
  readonly #providerName: string;

  constructor(config: ProviderConfig) {
    this.#config = config;
    this.#providerName = providerNameFor(config.baseURL);
  }

  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const options = {
      providerName: this.#providerName,
      policy: retryPolicy(this.#config),
      describeError: describeOpenAIError,
    };
    return streamWithRetry(options, signal, (context) => this.#streamOnce(request, context));
  }

  async *#streamOnce(request: ProviderRequest, context: AttemptContext): AsyncGenerator<ProviderEvent> {
    const { apiKey, baseURL } = this.#config;
    // The SDK's own retries are off: it would also retry after tokens reached the user.
    const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, fetch: context.fetch });
    const params: ChatCompletionCreateParamsStreaming = {
      model: request.model,
      messages: request.messages.map(({ role, content }) => ({ role, content })),
      stream: true,
      stream_options: { include_usage: true },
      ...maxTokensParam(baseURL, request.maxOutputTokens),
    };
    const stream = await client.chat.completions.create(params, { signal: context.signal });

    let usage: ProviderUsage | undefined;
    let finishReason: string | undefined;
    for await (const rawChunk of stream) {
      const chunk = chunkSchema.safeParse(rawChunk);
      if (!chunk.success) continue;
      // Usage may come in a `choices: []` chunk, on the finishing chunk, or not at all.
      if (chunk.data.usage) usage = toUsage(chunk.data.usage);
      const choice = chunk.data.choices?.find(
        (candidate) => candidate !== null && (candidate.index ?? 0) === 0,
      );
      const reasoning = choice?.delta?.reasoning_content ?? choice?.delta?.reasoning;
      if (reasoning) yield { type: "reasoning", text: reasoning };
      if (choice?.delta?.content) yield { type: "text", text: choice.delta.content };
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }

    if (finishReason === "error") {
      throw new UpstreamFailureError({ type: "server_error", message: "The model stopped with an error." });
    }
    if (finishReason === undefined) throw new IncompleteStreamError();
    if (usage) yield { type: "usage", usage };
    yield { type: "finish", reason: FINISH_REASONS[finishReason] ?? "stop" };
  }
}
