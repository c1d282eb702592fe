/**
 * Google Gemini adapter on the native `streamGenerateContent?alt=sse` API, with plain fetch (no
 * SDK in the stack). Frames are CRLF-separated `data:` lines with no terminator; the stream is
 * complete once a candidate carries `finishReason`. `thought: true` parts are reasoning, and
 * `usageMetadata` repeats running totals. See shared PROVIDERS.md and docs/providers.md.
 */
import { toGeminiBody } from "./gemini-request";
import {
  describeGeminiHttpError,
  describeGoogleStatus,
  geminiFinishReason,
  type GeminiPart,
  type GeminiUsage,
  isMalformedCallReason,
  mergeGeminiUsage,
  parseGeminiChunk,
  toGeminiUsage,
} from "./gemini-wire";
import {
  type AttemptContext,
  IncompleteStreamError,
  retryPolicy,
  streamWithRetry,
  UpstreamFailureError,
} from "./retry";
import { readServerSentEvents } from "./sse";
import { MalformedToolCallError, newToolCallId, rememberReplay } from "./tool-calls";
import type { Provider, ProviderConfig, ProviderEvent, ProviderRequest, ProviderToolCall } from "./types";

/** `{base}/v1beta/models/{model}:streamGenerateContent?alt=sse`; a base that already ends in /v1beta works too. */
export function geminiStreamURL(baseURL: string, model: string): string {
  const base = baseURL.replace(/\/+$/, "").replace(/\/v1beta$/, "");
  const id = model.replace(/^models\//, "");
  return `${base}/v1beta/models/${encodeURIComponent(id)}:streamGenerateContent?alt=sse`;
}

export class GeminiProvider implements Provider {
  readonly id = "gemini";
  readonly #config: ProviderConfig;

  constructor(config: ProviderConfig) {
    this.#config = config;
  }

  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    const options = {
      providerName: "Gemini",
      policy: retryPolicy(this.#config),
      // Every upstream failure is thrown as an UpstreamFailureError already described.
      describeError: () => null,
    };
    return streamWithRetry(options, signal, (context) => this.#streamOnce(request, context));
  }

  async *#streamOnce(request: ProviderRequest, context: AttemptContext): AsyncGenerator<ProviderEvent> {
    const response = await context.fetch(geminiStreamURL(this.#config.baseURL, request.model), {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": this.#config.apiKey },
      body: JSON.stringify(toGeminiBody(request)),
      signal: context.signal,
    });
    if (!response.ok) throw new UpstreamFailureError(await describeGeminiHttpError(response));
    if (!response.body) throw new IncompleteStreamError();

    let usage: GeminiUsage | undefined;
    let finishReason: string | undefined;
    const calls: ProviderToolCall[] = [];
    for await (const event of readServerSentEvents(response.body)) {
      const chunk = parseGeminiChunk(event.data);
      if (!chunk) continue;
      if (chunk.error) throw new UpstreamFailureError(describeGoogleStatus(chunk.error));
      if (chunk.usageMetadata) usage = mergeGeminiUsage(usage ?? {}, chunk.usageMetadata);
      const candidate = chunk.candidates?.find((entry) => entry !== null && (entry.index ?? 0) === 0);
      if (!candidate && chunk.promptFeedback?.blockReason) {
        // The prompt itself was refused: nothing was generated, so this is an error, not a finish.
        const message = `The prompt was blocked (${chunk.promptFeedback.blockReason}).`;
        throw new UpstreamFailureError({ type: "content_filter", message });
      }
      for (const part of candidate?.content?.parts ?? []) {
        if (part?.functionCall) calls.push(toToolCall(part.functionCall, part.thoughtSignature));
        else if (part?.text) {
          yield part.thought ? { type: "reasoning", text: part.text } : { type: "text", text: part.text };
        }
      }
      if (candidate?.finishReason) finishReason = candidate.finishReason;
    }

    if (finishReason === undefined) throw new IncompleteStreamError();
    if (isMalformedCallReason(finishReason)) throw new MalformedToolCallError(`Gemini said ${finishReason}`);
    for (const call of calls) yield { type: "tool_call", call };
    if (usage) yield { type: "usage", usage: toGeminiUsage(usage) };
    // Gemini ends a turn of function calls with STOP.
    yield { type: "finish", reason: calls.length > 0 ? "tool_calls" : geminiFinishReason(finishReason) };
  }
}

/**
 * A functionCall part as a ProviderToolCall: Gemini sends each call whole, with `args` as an
 * object (stringified here) and usually no id (one is made up; results are paired by name).
 */
function toToolCall(
  functionCall: NonNullable<GeminiPart["functionCall"]>,
  thoughtSignature: string | null | undefined,
): ProviderToolCall {
  if (!functionCall.name) throw new MalformedToolCallError("a call has no function name");
  const args = functionCall.args ?? {};
  if (typeof args !== "object" || Array.isArray(args)) {
    throw new MalformedToolCallError("the arguments are not a JSON object");
  }
  const call = {
    id: functionCall.id || newToolCallId(),
    name: functionCall.name,
    arguments: JSON.stringify(args),
  };
  if (thoughtSignature) rememberReplay(call, { geminiThoughtSignature: thoughtSignature });
  return call;
}
