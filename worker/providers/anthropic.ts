/**
 * Anthropic Messages adapter on @anthropic-ai/sdk. The SDK parses SSE and turns `event: error`
 * into a thrown APIError; this module maps content deltas to text/reasoning, keeps the usage
 * (input from message_start, cumulative output from message_delta) and skips event types it does
 * not know, as Anthropic asks clients to (https://docs.anthropic.com/en/api/versioning).
 * anthropic-wire.ts reads the events and errors; anthropic-request.ts builds the request.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { RedactedThinkingBlockParam, ThinkingBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { toAnthropicParams } from "./anthropic-request";
import {
  describeAnthropicError,
  eventSchema,
  mergeUsage,
  STOP_REASONS,
  toUsage,
  type WireUsage,
} from "./anthropic-wire";
import { type AttemptContext, IncompleteStreamError, retryPolicy, streamWithRetry } from "./retry";
import { finishedCalls, rememberReplay, ToolCallAssembler } from "./tool-calls";
import type { Provider, ProviderConfig, ProviderEvent, ProviderRequest } from "./types";

export const ANTHROPIC_VERSION = "2023-06-01";

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
