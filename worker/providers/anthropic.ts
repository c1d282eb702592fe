/**
 * Anthropic Messages adapter on @anthropic-ai/sdk. The SDK parses SSE and turns `event: error`
 * into a thrown APIError; this module maps content deltas to text/reasoning, keeps the usage
 * (input from message_start, cumulative output from message_delta) and skips event types it does
 * not know, as Anthropic asks clients to (https://docs.anthropic.com/en/api/versioning).
 */
import Anthropic, { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type {
  Base64ImageSource,
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RedactedThinkingBlockParam,
  ThinkingBlockParam,
  ThinkingConfigEnabled,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import type { FinishReason } from "#protocol/messages";
import { attachmentsOf, JSON_MODE_INSTRUCTION } from "./attachments";
import {
  type AttemptContext,
  IncompleteStreamError,
  retryPolicy,
  streamWithRetry,
  type UpstreamFailure,
} from "./retry";
import { thinkingBudget } from "./thinking-budget";
import { argumentsObject, finishedCalls, rememberReplay, replayOfAny, ToolCallAssembler } from "./tool-calls";
import {
  type Provider,
  type ProviderConfig,
  type ProviderEvent,
  type ProviderMessage,
  type ProviderRequest,
  type ProviderUsage,
  systemText,
} from "./types";

export const ANTHROPIC_VERSION = "2023-06-01";

const count = z.number().nonnegative().nullish().catch(null);
const usageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count,
  cache_creation_input_tokens: count,
});
type WireUsage = z.infer<typeof usageSchema>;

const optionalText = z.string().nullish().catch(null);

/** The events this adapter acts on; anything else fails to parse and is skipped. */
const eventSchema = z.discriminatedUnion("type", [
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

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** Latest values win: message_delta's `output_tokens` is a running total, not an increment. */
function mergeUsage(current: WireUsage, update: WireUsage | null | undefined): WireUsage {
  if (!update) return current;
  return {
    input_tokens: update.input_tokens ?? current.input_tokens,
    output_tokens: update.output_tokens ?? current.output_tokens,
    cache_read_input_tokens: update.cache_read_input_tokens ?? current.cache_read_input_tokens,
    cache_creation_input_tokens: update.cache_creation_input_tokens ?? current.cache_creation_input_tokens,
  };
}

/** Anthropic's `input_tokens` excludes cache reads and writes; Parley counts all prompt tokens. */
function toUsage(usage: WireUsage): ProviderUsage {
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

/** Anthropic's minimum thinking budget; `budget_tokens` must also stay below `max_tokens`. */
const MIN_THINKING_BUDGET = 1_024;

/** Images and PDFs as base64 blocks, before the text (Anthropic's advice for the best results). */
function userContent(message: ProviderMessage): string | ContentBlockParam[] {
  const attachments = attachmentsOf(message);
  if (attachments.length === 0) return message.content;
  const blocks: ContentBlockParam[] = attachments.map((attachment) =>
    attachment.kind === "image"
      ? {
          type: "image",
          source: {
            type: "base64",
            media_type: attachment.mimeType as Base64ImageSource["media_type"],
            data: attachment.data,
          },
        }
      : {
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: attachment.data },
        },
  );
  if (message.content) blocks.push({ type: "text", text: message.content });
  return blocks;
}

/**
 * An assistant turn that called tools: its thinking blocks exactly as received (the API checks
 * their signatures and refuses tool results without them while thinking is on), its text, then
 * one `tool_use` block per call.
 */
function assistantContent(message: ProviderMessage): string | ContentBlockParam[] {
  const calls = message.toolCalls ?? [];
  if (calls.length === 0) return message.content;
  const thinking = replayOfAny(calls)?.anthropicThinking ?? [];
  return [
    ...thinking,
    ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
    ...calls.map((call) => ({
      type: "tool_use" as const,
      id: call.id,
      name: call.name,
      input: argumentsObject(call),
    })),
  ];
}

/**
 * Parley's messages as Anthropic's turns: system messages go to `system`; the results of one
 * round of tool calls (consecutive `tool` messages) become one user turn of `tool_result` blocks.
 */
function toAnthropicMessages(messages: readonly ProviderMessage[]): MessageParam[] {
  const turns: MessageParam[] = [];
  let results: ToolResultBlockParam[] | undefined;
  for (const message of messages) {
    if (message.role === "system") continue;
    if (message.role !== "tool") results = undefined;
    if (message.role === "tool") {
      const block: ToolResultBlockParam = {
        type: "tool_result",
        tool_use_id: message.toolCallId ?? "",
        ...(message.content ? { content: message.content } : {}),
      };
      if (results) results.push(block);
      else {
        results = [block];
        turns.push({ role: "user", content: results });
      }
    } else if (message.role === "user") {
      turns.push({ role: "user", content: userContent(message) });
    } else {
      turns.push({ role: "assistant", content: assistantContent(message) });
    }
  }
  return turns;
}

function toAnthropicParams(request: ProviderRequest): MessageCreateParamsStreaming {
  // Anthropic has no JSON switch: JSON mode is an instruction in the system prompt.
  const system = [systemText(request), request.responseFormat === "json" ? JSON_MODE_INSTRUCTION : ""]
    .filter(Boolean)
    .join("\n\n");
  const messages = toAnthropicMessages(request.messages);
  const tools = request.tools ?? [];
  const effort = request.reasoningEffort;
  const budget =
    effort === undefined ? undefined : thinkingBudget(effort, request.maxOutputTokens, MIN_THINKING_BUDGET);
  // Only a cap too small for the minimum budget is raised, so the answer keeps its requested room.
  const maxTokens =
    budget !== undefined && budget >= request.maxOutputTokens
      ? budget + request.maxOutputTokens
      : request.maxOutputTokens;
  // Extended thinking requires the default temperature (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking),
  // and Anthropic's range is 0–1 where Parley's is 0–2.
  const thinking: ThinkingConfigEnabled | undefined =
    budget === undefined ? undefined : { type: "enabled", budget_tokens: budget };
  const sampling = thinking
    ? { thinking }
    : request.temperature !== undefined
      ? { temperature: Math.min(1, request.temperature) }
      : {};
  return {
    model: request.model,
    max_tokens: maxTokens,
    messages,
    ...(system ? { system } : {}),
    ...sampling,
    ...(tools.length > 0
      ? {
          tools: tools.map(({ name, description, parameters }) => ({
            name,
            description,
            input_schema: { ...parameters, type: "object" as const },
          })),
        }
      : {}),
    stream: true,
  };
}

export class AnthropicProvider implements Provider {
  readonly id = "anthropic";
  readonly #config: ProviderConfig;

  constructor(config: ProviderConfig) {
    this.#config = config;
  }

  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const options = {
      providerName: "Anthropic",
      policy: retryPolicy(this.#config),
      describeError: describeAnthropicError,
    };
    return streamWithRetry(options, signal, (context) => this.#streamOnce(request, context));
  }

  async *#streamOnce(request: ProviderRequest, context: AttemptContext): AsyncGenerator<ProviderEvent> {
    const { apiKey, baseURL } = this.#config;
    // The SDK's own retries are off: it would also retry after tokens reached the user.
    const client = new Anthropic({
      apiKey,
      baseURL,
      maxRetries: 0,
      fetch: context.fetch,
      // Pinned to the documented Messages contract: this SDK release sends the key as a Bearer
      // token and a newer API version by default; the API documents `x-api-key` and this parser
      // is written against 2023-06-01 (https://docs.anthropic.com/en/api/getting-started).
      defaultHeaders: { "x-api-key": apiKey, authorization: null, "anthropic-version": ANTHROPIC_VERSION },
    });
    const stream = await client.messages.create(toAnthropicParams(request), { signal: context.signal });

    let usage: WireUsage = {};
    let stopReason: string | undefined;
    const toolCalls = new ToolCallAssembler();
    // Thinking blocks by content index, kept whole (text and signature) to be sent back with tool results.
    const thinkingBlocks = new Map<number, ThinkingBlockParam | RedactedThinkingBlockParam>();
    for await (const rawEvent of stream) {
      const event = eventSchema.safeParse(rawEvent);
      if (!event.success) continue;
      const data = event.data;
      if (data.type === "message_start") {
        usage = mergeUsage(usage, data.message.usage);
      } else if (data.type === "content_block_start") {
        const block = data.content_block;
        if (block.type === "tool_use") toolCalls.begin(data.index, block.id, block.name);
        else if (block.type === "thinking") {
          thinkingBlocks.set(data.index, {
            type: "thinking",
            thinking: block.thinking ?? "",
            signature: block.signature ?? "",
          });
        } else if (block.type === "redacted_thinking") {
          thinkingBlocks.set(data.index, { type: "redacted_thinking", data: block.data ?? "" });
        }
      } else if (data.type === "content_block_delta") {
        const { type, text, thinking, signature, partial_json } = data.delta;
        const index = data.index ?? -1;
        if (type === "text_delta" && text) yield { type: "text", text };
        const block = thinkingBlocks.get(index);
        if (type === "thinking_delta" && thinking) {
          if (block?.type === "thinking") block.thinking += thinking;
          yield { type: "reasoning", text: thinking };
        }
        if (type === "signature_delta" && signature && block?.type === "thinking")
          block.signature = signature;
        if (type === "input_json_delta" && partial_json) toolCalls.append(index, partial_json);
      } else {
        usage = mergeUsage(usage, data.usage);
        stopReason = data.delta?.stop_reason ?? stopReason;
      }
    }

    if (stopReason === undefined) throw new IncompleteStreamError();
    const calls = finishedCalls(toolCalls, stopReason === "max_tokens");
    const [first] = calls;
    if (first && thinkingBlocks.size > 0) {
      const ordered = [...thinkingBlocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
      rememberReplay(first, { anthropicThinking: ordered });
    }
    for (const call of calls) yield { type: "tool_call", call };
    yield { type: "usage", usage: toUsage(usage) };
    yield { type: "finish", reason: calls.length > 0 ? "tool_calls" : (STOP_REASONS[stopReason] ?? "stop") };
  }
}
