/**
 * OpenAI-compatible adapter (OpenAI, OpenRouter, DeepSeek, Gemini's OpenAI endpoint, Ollama, vLLM,
 * any base URL) on the openai SDK. The SDK parses SSE (comment lines included) and throws for
 * `event: error` and for chunks with a top-level `error`; openai-wire.ts normalizes the chunks and
 * openai-dialect.ts the request. See shared PROVIDERS.md for the wire format and its traps.
 */
import OpenAI from "openai";
import { flavourFor, type OpenAIFlavour, providerNameFor, toChatParams } from "./openai-dialect";
import {
  chunkSchema,
  describeOpenAIError,
  FINISH_REASONS,
  firstChoice,
  type OpenAIToolCallDelta,
  reasoningOf,
  toOpenAIUsage,
} from "./openai-wire";
import {
  type AttemptContext,
  IncompleteStreamError,
  retryPolicy,
  streamWithRetry,
  UpstreamFailureError,
} from "./retry";
import { finishedCalls, rememberReplay, ToolCallAssembler } from "./tool-calls";
import type {
  Provider,
  ProviderConfig,
  ProviderEvent,
  ProviderId,
  ProviderRequest,
  ProviderUsage,
} from "./types";

export { describeOpenAIError } from "./openai-wire";
export type { OpenAIFlavour } from "./openai-dialect";

export interface OpenAICompatibleConfig extends ProviderConfig {
  /** Whose conventions to follow; default: guessed from the base URL's host. */
  flavour?: OpenAIFlavour;
  /** The id this adapter reports (a custom endpoint's name); default `openai`. */
  id?: ProviderId;
  /** How error messages name the upstream; default: the provider for known hosts or flavours, else the host. */
  displayName?: string;
}

export class OpenAIProvider implements Provider {
  readonly id: ProviderId;
  readonly #config: OpenAICompatibleConfig;
  readonly #flavour: OpenAIFlavour;
  readonly #providerName: string;

  constructor(config: OpenAICompatibleConfig) {
    this.#config = config;
    this.id = config.id ?? "openai";
    this.#flavour = config.flavour ?? flavourFor(config.baseURL);
    this.#providerName = config.displayName ?? providerNameFor(config.baseURL, this.#flavour);
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
    // The SDK's own retries are off: it would also retry after tokens reached the user. A keyless
    // local server (Ollama) gets no Authorization header rather than an empty Bearer token.
    const client = new OpenAI({
      apiKey: apiKey || "unused",
      baseURL,
      maxRetries: 0,
      fetch: context.fetch,
      ...(apiKey ? {} : { defaultHeaders: { authorization: null } }),
    });
    const params = toChatParams(request, this.#flavour, baseURL);
    const stream = await client.chat.completions.create(params, { signal: context.signal });

    const withCost = this.#flavour === "openrouter";
    const toolCalls = new ToolCallAssembler();
    let usage: ProviderUsage | undefined;
    let finishReason: string | undefined;
    let reasoningText = "";
    for await (const rawChunk of stream) {
      const parsed = chunkSchema.safeParse(rawChunk);
      if (!parsed.success) continue;
      const chunk = parsed.data;
      // Usage may come in a `choices: []` chunk, on the finishing chunk, or not at all.
      if (chunk.usage) usage = toOpenAIUsage(chunk.usage, { withCost });
      const choice = firstChoice(chunk);
      const reasoning = reasoningOf(choice);
      if (reasoning) {
        reasoningText += reasoning;
        yield { type: "reasoning", text: reasoning };
      }
      if (choice?.delta?.content) yield { type: "text", text: choice.delta.content };
      addToolCallDeltas(toolCalls, choice?.delta?.tool_calls);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }

    if (finishReason === "error") {
      throw new UpstreamFailureError({ type: "server_error", message: "The model stopped with an error." });
    }
    if (finishReason === undefined) throw new IncompleteStreamError();
    const calls = finishedCalls(toolCalls, finishReason === "length");
    const [first] = calls;
    if (first && reasoningText && this.#flavour === "deepseek") {
      rememberReplay(first, { reasoningContent: reasoningText });
    }
    for (const call of calls) yield { type: "tool_call", call };
    if (usage) yield { type: "usage", usage };
    // Some local servers say `stop` after tool calls; what the model did decides.
    yield {
      type: "finish",
      reason: calls.length > 0 ? "tool_calls" : (FINISH_REASONS[finishReason] ?? "stop"),
    };
  }
}

/**
 * Feeds one chunk's tool-call pieces to the assembler. OpenAI numbers calls with `index`; for a
 * server that leaves it out, a piece with an id or a name starts a new call and any other piece
 * continues the last one.
 */
function addToolCallDeltas(
  assembler: ToolCallAssembler,
  deltas: readonly (OpenAIToolCallDelta | null)[] | null | undefined,
): void {
  for (const delta of deltas ?? []) {
    if (!delta) continue;
    // Unnumbered calls get keys -1, -2, … (OpenAI's indexes are never negative).
    const startsCall = Boolean(delta.id || delta.function?.name) || assembler.size === 0;
    const key = delta.index ?? (startsCall ? -1 - assembler.size : -assembler.size);
    assembler.begin(key, delta.id, delta.function?.name);
    const fragment = delta.function?.arguments;
    if (typeof fragment === "string") assembler.append(key, fragment);
    else if (fragment) assembler.append(key, JSON.stringify(fragment));
  }
}
