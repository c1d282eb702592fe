/**
 * A running API turn written back in OpenAI's Chat Completions format: as the SSE stream of
 * `chat.completion.chunk`s (`stream: true`) or as one `chat.completion` object.
 * https://platform.openai.com/docs/api-reference/chat-streaming
 */
import type { FinishReason, Usage } from "#protocol/messages";
import { logError } from "../observability/log";
import type { ProviderToolCall } from "../providers/types";
import type { ApiTurnEvent, StartedApiTurn } from "./contract";
import { BROKEN_STREAM, describeFailure, failureOf, failureResponse } from "./openai-errors";

type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";
type DoneEvent = Extract<ApiTurnEvent, { type: "done" }>;

/** Someone pressing Stop ends the answer normally, with the text so far. */
function finishReasonOf(reason: FinishReason, madeCalls: boolean): OpenAIFinishReason {
  switch (reason) {
    case "length":
    case "content_filter":
    case "tool_calls":
      return reason;
    case "stopped":
      return "stop";
    default:
      // An answer that ends on tool calls is waiting for their results, whatever the provider said.
      return madeCalls ? "tool_calls" : "stop";
  }
}

function usageOf(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

function toolCallOf(call: ProviderToolCall) {
  return { id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } };
}

function identity(turn: StartedApiTurn) {
  return {
    id: `chatcmpl-${turn.messageId}`,
    created: Math.floor(turn.createdAt / 1000),
    model: turn.model,
  };
}

const encoder = new TextEncoder();
const sse = (data: unknown) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`);

/**
 * The answer as OpenAI's stream: a first chunk with the role, one chunk per text, reasoning or
 * tool call event, a last chunk with the finish reason, the usage chunk when asked for, then
 * `[DONE]`. A failed answer ends with `data: {"error":…}` and no `[DONE]` instead: the OpenAI
 * SDKs raise an `APIError` on an event that carries `error`.
 *
 * A client that goes away only stops listening (`return()` on the events): the answer goes on
 * and is stored, like any other.
 */
export function chatCompletionStream(turn: StartedApiTurn, options: { includeUsage: boolean }): Response {
  const events = turn.events[Symbol.asyncIterator]();
  const base = { ...identity(turn), object: "chat.completion.chunk", system_fingerprint: null };
  // With include_usage, OpenAI sends `usage: null` on every chunk but the usage one.
  const usageField = options.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: OpenAIFinishReason | null = null) =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField });
  let calls = 0;

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(chunk({ role: "assistant", content: "" }));
    },
    async pull(controller) {
      let next: IteratorResult<ApiTurnEvent>;
      try {
        next = await events.next();
      } catch (cause) {
        logError("compat_stream_failed", { dialect: "openai", messageId: turn.messageId, cause });
        next = { done: true, value: undefined };
      }
      const event = next.done ? undefined : next.value;
      if (event?.type === "text") {
        if (event.text) controller.enqueue(chunk({ content: event.text }));
        return;
      }
      if (event?.type === "reasoning") {
        if (event.text) controller.enqueue(chunk({ reasoning_content: event.text }));
        return;
      }
      if (event?.type === "tool_call") {
        controller.enqueue(chunk({ tool_calls: [{ index: calls++, ...toolCallOf(event.call) }] }));
        return;
      }
      const failure = failureOf(event);
      if (failure) {
        controller.enqueue(sse({ error: describeFailure(failure).body }));
      } else if (event) {
        controller.enqueue(chunk({}, finishReasonOf(event.finishReason, calls > 0)));
        if (options.includeUsage && event.usage) {
          controller.enqueue(sse({ ...base, choices: [], usage: usageOf(event.usage) }));
        }
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      }
      controller.close();
      void events.return?.();
    },
    cancel() {
      void events.return?.();
    },
  });
  return new Response(body, {
    headers: {
      ...turn.headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    },
  });
}

/**
 * The whole answer as one `chat.completion` object, once it has ended. An answer that failed is
 * answered with the error (and its status) even when some text was written before the failure:
 * a 200 would pass a truncated answer off as complete. The partial text is not lost: it is
 * stored in the conversation, and the error's message says where.
 */
export async function chatCompletionObject(turn: StartedApiTurn): Promise<Response> {
  let text = "";
  let reasoning = "";
  const calls: ProviderToolCall[] = [];
  let done: DoneEvent | undefined;
  try {
    for await (const event of turn.events) {
      if (event.type === "text") text += event.text;
      else if (event.type === "reasoning") reasoning += event.text;
      else if (event.type === "tool_call") calls.push(event.call);
      else {
        done = event;
        break;
      }
    }
  } catch (cause) {
    logError("compat_stream_failed", { dialect: "openai", messageId: turn.messageId, cause });
    done = undefined;
  }
  const failure = failureOf(done);
  if (failure || !done) {
    const info = failure ?? BROKEN_STREAM;
    const kept = text ? ` The partial answer is kept in the conversation: ${turn.url}` : "";
    return failureResponse({ ...info, message: `${info.message}${kept}` }, turn.headers);
  }
  const message = {
    role: "assistant",
    content: text || (calls.length > 0 ? null : ""),
    refusal: null,
    ...(calls.length > 0 ? { tool_calls: calls.map(toolCallOf) } : {}),
    ...(reasoning ? { reasoning_content: reasoning } : {}),
  };
  return Response.json(
    {
      ...identity(turn),
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message,
          logprobs: null,
          finish_reason: finishReasonOf(done.finishReason, calls.length > 0),
        },
      ],
      ...(done.usage ? { usage: usageOf(done.usage) } : {}),
      system_fingerprint: null,
    },
    { headers: turn.headers },
  );
}
