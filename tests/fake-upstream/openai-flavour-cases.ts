/**
 * OpenRouter- and DeepSeek-flavoured streams and errors on `POST /v1/chat/completions`, shaped
 * like https://openrouter.ai/docs/api-reference/streaming and https://api-docs.deepseek.com.
 */
import { type CaseContext, type CaseScript, failsThisAttempt } from "./case-context.ts";
import {
  choiceList,
  chunk,
  errorBody,
  errorHeaders,
  newChunkStream,
  roleFrame,
  streamNormal,
  streamOpenAIFrames,
  textFrames,
} from "./openai-frames.ts";
import { commentFrame, dataFrame, DONE_FRAME } from "./sse-writer.ts";
import { NORMAL_CHUNKS, REASONING_CHUNKS } from "./texts.ts";

const PROCESSING = commentFrame("OPENROUTER PROCESSING");

/** OpenRouter's error body: a numeric HTTP-like code, optional metadata, no type. */
function openRouterError(code: number, message: string, metadata?: Record<string, unknown>): unknown {
  return { error: { code, message, ...(metadata ? { metadata } : {}) }, user_id: "user_2yTESTparley" };
}

function fail(status: number, body: unknown): CaseScript {
  return async (context) => context.writer.sendJson(status, body, errorHeaders());
}

function failThenOk(status: number, body: unknown): CaseScript {
  return async (context) => {
    if (failsThisAttempt(context)) context.writer.sendJson(status, body, errorHeaders());
    else await streamNormal(context);
  };
}

/** An OpenRouter chunk that ends the stream with an error after the 200 (finish_reason "error"). */
function openRouterErrorChunk(context: CaseContext, code: number, message: string): string {
  const stream = newChunkStream(context.model);
  const choices = [
    {
      index: 0,
      delta: { content: "" },
      finish_reason: "error",
      native_finish_reason: "error",
      logprobs: null,
    },
  ];
  return dataFrame(chunk(stream, choices, { provider: "Together", error: { code, message } }));
}

export const openAIFlavourCases: Record<string, CaseScript> = {
  // OpenRouter: cost (credits = USD) and cached tokens in the final usage chunk.
  "openrouter-normal": (context) => {
    const stream = newChunkStream(context.model);
    const extra = { provider: "OpenAI" };
    const usage = {
      prompt_tokens: 1250,
      completion_tokens: 9,
      total_tokens: 1259,
      cost: 0.00031,
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      cost_details: { upstream_inference_cost: null },
      completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
    };
    return streamOpenAIFrames(context, [
      PROCESSING,
      PROCESSING,
      ...NORMAL_CHUNKS.map((text) =>
        dataFrame(chunk(stream, choiceList({ role: "assistant", content: text }), extra)),
      ),
      dataFrame(chunk(stream, choiceList({ role: "assistant", content: "" }, "stop"), extra)),
      dataFrame(chunk(stream, [], { ...extra, usage })),
      DONE_FRAME,
    ]);
  },

  "openrouter-midstream-error": (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      PROCESSING,
      roleFrame(stream),
      ...textFrames(stream, NORMAL_CHUNKS.slice(0, 4)),
      openRouterErrorChunk(context, 502, "Upstream error from Together: Service Unavailable"),
    ]);
  },

  // Nothing streamed yet when the routed provider failed: safe to retry.
  "openrouter-first-event-error": (context) =>
    streamOpenAIFrames(context, [
      PROCESSING,
      PROCESSING,
      openRouterErrorChunk(context, 503, "No instances available for this model"),
    ]),

  "openrouter-credits": fail(
    402,
    openRouterError(
      402,
      "This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 1187. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account",
    ),
  ),

  // 403 here is OpenRouter's moderation, not an authentication failure.
  "openrouter-moderation": fail(
    403,
    openRouterError(
      403,
      'openai/gpt-5 requires moderation on OpenAI. Your input was flagged for "violence". No credits were charged.',
      {
        reasons: ["violence"],
        flagged_input: "Say hello…",
        provider_name: "OpenAI",
        model_slug: "openai/gpt-5",
      },
    ),
  ),

  "openrouter-rate-limit-then-ok": failThenOk(
    429,
    openRouterError(429, "Rate limit exceeded: free-models-per-min. ", {
      headers: {
        "X-RateLimit-Limit": "20",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1764072060000",
      },
    }),
  ),

  "openrouter-auth": fail(401, openRouterError(401, "No cookie auth credentials found")),

  // DeepSeek while queued: `: keep-alive` lines before the first chunk; usage on the finishing chunk.
  "deepseek-keep-alive": (context) => {
    const stream = newChunkStream(context.model);
    const usage = {
      prompt_tokens: 64,
      completion_tokens: 9,
      total_tokens: 73,
      prompt_tokens_details: { cached_tokens: 0 },
      prompt_cache_hit_tokens: 0,
      prompt_cache_miss_tokens: 64,
    };
    return streamOpenAIFrames(context, [
      commentFrame("keep-alive"),
      commentFrame("keep-alive"),
      commentFrame("keep-alive"),
      roleFrame(stream, { content: "" }),
      ...textFrames(stream, NORMAL_CHUNKS),
      dataFrame(chunk(stream, choiceList({ content: "" }, "stop"), { usage })),
      DONE_FRAME,
    ]);
  },

  // deepseek-v4-pro thinking: reasoning_content first, with a keep-alive in the middle of it.
  "deepseek-reasoning": (context) => {
    const stream = newChunkStream(context.model);
    const usage = {
      prompt_tokens: 40,
      completion_tokens: 52,
      total_tokens: 92,
      prompt_tokens_details: { cached_tokens: 32 },
      completion_tokens_details: { reasoning_tokens: 43 },
      prompt_cache_hit_tokens: 32,
      prompt_cache_miss_tokens: 8,
    };
    const delta = (content: string | null, reasoning: string | null): string =>
      dataFrame(chunk(stream, choiceList({ content, reasoning_content: reasoning })));
    const [firstThought = "", ...thoughts] = REASONING_CHUNKS;
    return streamOpenAIFrames(context, [
      commentFrame("keep-alive"),
      roleFrame(stream, { content: null, reasoning_content: "" }),
      delta(null, firstThought),
      commentFrame("keep-alive"),
      ...thoughts.map((text) => delta(null, text)),
      ...NORMAL_CHUNKS.map((text) => delta(text, null)),
      dataFrame(chunk(stream, choiceList({ content: "", reasoning_content: null }, "stop"), { usage })),
      DONE_FRAME,
    ]);
  },

  "deepseek-insufficient-balance": fail(
    402,
    errorBody("Insufficient Balance", "unknown_error", "invalid_request_error"),
  ),

  "deepseek-auth": fail(
    401,
    errorBody(
      "Authentication Fails, Your api key: ****beef is invalid",
      "authentication_error",
      "invalid_request_error",
    ),
  ),

  "deepseek-context-too-long": fail(
    400,
    errorBody(
      "This model's maximum context length is 131072 tokens. However, you requested 140192 tokens (132000 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.",
      "invalid_request_error",
      "invalid_request_error",
    ),
  ),

  "deepseek-overloaded-then-ok": failThenOk(
    503,
    errorBody("Server overloaded, please try again later.", "server_error", "server_overloaded"),
  ),
};
