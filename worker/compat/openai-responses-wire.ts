/**
 * The pieces of OpenAI Responses answers that the stream, the whole `response` object and a
 * stored response read back (`GET /v1/responses/{id}`) share: ids, output items, usage, how an
 * answer's end becomes a status, and the `response` object itself. Every builder writes its keys
 * in one fixed order, so the same answer is always the same bytes.
 */
import type { ErrorInfo, FinishReason, Usage } from "#protocol/messages";
import type { ProviderToolCall } from "../providers/types";
import { BROKEN_STREAM, describeFailure } from "./openai-errors";
import type { ResponseSettings } from "./openai-responses-request";

/** A response is the answer message of its turn: `resp_<message id>`. */
export const responseIdOf = (messageId: string) => `resp_${messageId}`;

const RESPONSE_ID = /^resp_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The message a response id names, or null for anything that is not a Parley response id. */
export function messageIdOf(responseId: string): string | null {
  return RESPONSE_ID.exec(responseId)?.[1] ?? null;
}

/** Output items are numbered in their response, so their ids are stable however they are read. */
export const itemIdOf = (prefix: "rs" | "msg" | "fc", messageId: string, index: number) =>
  `${prefix}_${messageId}_${index}`;

export type ResponseStatus = "queued" | "in_progress" | "completed" | "failed" | "incomplete" | "cancelled";
export type ItemStatus = "in_progress" | "completed" | "incomplete";

export const reasoningItem = (id: string, text: string | null) => ({
  id,
  type: "reasoning" as const,
  summary: text === null ? [] : [summaryPart(text)],
});
export const summaryPart = (text: string) => ({ type: "summary_text" as const, text });

export const outputText = (text: string) => ({
  type: "output_text" as const,
  annotations: [] as never[],
  logprobs: [] as never[],
  text,
});

export const messageItem = (id: string, status: ItemStatus, text: string | null) => ({
  id,
  type: "message" as const,
  status,
  role: "assistant" as const,
  content: text === null ? [] : [outputText(text)],
});

export const functionCallItem = (id: string, status: ItemStatus, call: ProviderToolCall, args: string) => ({
  id,
  type: "function_call" as const,
  status,
  arguments: args,
  call_id: call.id,
  name: call.name,
});

export type OutputItem =
  ReturnType<typeof reasoningItem> | ReturnType<typeof messageItem> | ReturnType<typeof functionCallItem>;

export function wireUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** How an answer ended, as a response status. */
export interface ResponseEnd {
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete: { reason: "max_output_tokens" | "content_filter" } | null;
  /** The failure behind a `failed` status (for the stream's `error` event and HTTP errors). */
  failure: ErrorInfo | null;
}

/**
 * Stop pressed in a browser is `cancelled`, with the text so far; an answer cut short by its
 * length, a content filter or a restart of its room is `incomplete`; a failure is `failed`.
 */
export function endOf(finishReason: FinishReason | null, error: ErrorInfo | null): ResponseEnd {
  const end = (status: ResponseStatus, incomplete: ResponseEnd["incomplete"] = null): ResponseEnd => ({
    status,
    error: null,
    incomplete,
    failure: null,
  });
  if (error || finishReason === "error" || finishReason === null) {
    const failure = error ?? BROKEN_STREAM;
    const { code } = describeFailure(failure).body;
    return {
      status: "failed",
      error: { code: code ?? "server_error", message: failure.message },
      incomplete: null,
      failure,
    };
  }
  switch (finishReason) {
    case "stopped":
      return end("cancelled");
    case "length":
      return end("incomplete", { reason: "max_output_tokens" });
    case "content_filter":
      return end("incomplete", { reason: "content_filter" });
    case "interrupted":
      return end("incomplete");
    default:
      return end("completed");
  }
}

/** Who the response is: its id, when it started (epoch seconds), its model, and the call's settings. */
export interface ResponseHead {
  id: string;
  createdAt: number;
  model: string;
  settings: ResponseSettings;
}

export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  usage: Usage | null;
  end?: ResponseEnd;
}

/** The `response` object (openai's `Response`, less `output_text`, which the SDKs compute). */
export function responseBody(head: ResponseHead, state: ResponseState) {
  const { settings } = head;
  return {
    id: head.id,
    object: "response" as const,
    created_at: head.createdAt,
    status: state.status,
    background: settings.background,
    error: state.end?.error ?? null,
    incomplete_details: state.end?.incomplete ?? null,
    instructions: settings.instructions,
    max_output_tokens: settings.max_output_tokens,
    metadata: settings.metadata,
    model: head.model,
    output: state.output,
    parallel_tool_calls: settings.parallel_tool_calls,
    previous_response_id: settings.previous_response_id,
    reasoning: settings.reasoning,
    store: settings.store,
    temperature: settings.temperature,
    text: settings.text,
    tool_choice: settings.tool_choice,
    tools: settings.tools,
    top_p: settings.top_p,
    truncation: settings.truncation,
    usage: state.usage ? wireUsage(state.usage) : null,
  };
}
