/**
 * The one interface every upstream LLM API is adapted to. The rest of Parley (the
 * ConversationRoom, the SSE endpoint, usage accounting) only ever sees `ProviderEvent`s.
 * See shared PROVIDERS.md and docs/providers.md for the upstream formats behind it.
 */
import type { ErrorInfo, FinishReason } from "#protocol/messages";

export const BUILTIN_PROVIDER_IDS = [
  "openai",
  "anthropic",
  "gemini",
  "openrouter",
  "deepseek",
  "demo",
] as const;
export type BuiltinProviderId = (typeof BUILTIN_PROVIDER_IDS)[number];

/**
 * A built-in provider, or the `name` of an operator-configured OpenAI-compatible endpoint
 * (`CUSTOM_PROVIDERS`). `string & {}` keeps editor completion for the built-in ids.
 */
export type ProviderId = BuiltinProviderId | (string & {});

export function isBuiltinProviderId(id: string): id is BuiltinProviderId {
  return (BUILTIN_PROVIDER_IDS as readonly string[]).includes(id);
}

/** A file sent with a prompt, as the bytes the provider needs (base64), never a URL. */
export interface ProviderAttachment {
  kind: "image" | "pdf";
  /** e.g. image/png, image/jpeg, image/webp, image/gif, application/pdf */
  mimeType: string;
  name: string;
  /** The file's bytes, base64 (standard alphabet, no data: prefix). */
  data: string;
}

/** A tool call the model made: `arguments` is the complete JSON text it wrote. */
export interface ProviderToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * One message of the context. `user` messages may carry attachments; an `assistant` message may
 * carry the tool calls it made (its `content` is the text written before them); a `tool` message
 * is the result of the call `toolCallId`, as text.
 */
export interface ProviderMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  attachments?: ProviderAttachment[];
  toolCalls?: ProviderToolCall[];
  toolCallId?: string;
}

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface ProviderTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export type ReasoningEffort = "low" | "medium" | "high";

/**
 * Whether the model may (`auto`), must not (`none`) or must (`required`) call one of the request's
 * tools, or must call the one named. Adapters send it only together with tools.
 */
export type ProviderToolChoice = "auto" | "none" | "required" | { name: string };

/** The most stop sequences a request may carry (OpenAI's limit, the smallest of the APIs). */
export const MAX_STOP_SEQUENCES = 4;

export interface ProviderRequest {
  /** The upstream model id, e.g. `gpt-5-mini` or `claude-sonnet-4-5`. */
  model: string;
  messages: ProviderMessage[];
  maxOutputTokens: number;
  /** The conversation's system prompt; sent before any `system` messages. */
  system?: string;
  /** Sampling temperature, 0–2 (Anthropic's 0–1 range is clamped). */
  temperature?: number;
  /** How hard a reasoning model should think; each adapter maps it to its API's control. */
  reasoningEffort?: ReasoningEffort;
  /** Tools the model may call; the answer then may end with finish reason `tool_calls`. */
  tools?: ProviderTool[];
  /** Ask for a JSON object as the answer (JSON mode), where the model supports it. */
  responseFormat?: "json";
  /** How the model must treat `tools`; ignored without tools. */
  toolChoice?: ProviderToolChoice;
  /**
   * Texts that end the answer where the model would write them (not included in it); the
   * finish reason is then `stop`. At most MAX_STOP_SEQUENCES, checked by the caller.
   */
  stop?: string[];
}

export interface ProviderUsage {
  /** All prompt tokens, including the cached ones. */
  inputTokens: number;
  /** All generated tokens, including the reasoning ones. */
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  cachedInputTokens?: number;
  /** The part of `outputTokens` spent on reasoning. */
  reasoningTokens?: number;
  /** The provider's own cost figure for this answer, in USD (OpenRouter reports one). */
  costUsd?: number;
}

export type ProviderEvent =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "usage"; usage: ProviderUsage }
  /**
   * One complete tool call. Adapters assemble the streamed pieces (ids, names, argument
   * fragments split across chunks) and emit each call once, before `finish` (`tool_calls`).
   */
  | { type: "tool_call"; call: ProviderToolCall }
  | { type: "finish"; reason: FinishReason }
  | ({ type: "error" } & ErrorInfo);

/**
 * A provider streams normalized events. Contract:
 * - never throws for upstream failures: they become one `error` event, after which it ends;
 * - ends with exactly one `finish` (or `error`) event;
 * - when `signal` aborts, it stops reading, closes the upstream connection and returns
 *   (without further events) — the caller records the stop;
 * - it retries 429/5xx/529/network failures only before the first text or reasoning event.
 */
export interface Provider {
  readonly id: ProviderId;
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent>;
}

export interface ProviderConfig {
  apiKey: string;
  baseURL: string;
  /** Upper bound on retries before the first token (default 2). */
  maxRetries?: number;
  /** Cap on any single retry wait, in ms, whatever the server asks (default 10 000). */
  maxRetryDelayMs?: number;
  /** Abort with `upstream_timeout` when the upstream sends nothing for this long, in ms (default 60 000). */
  idleTimeoutMs?: number;
}

/** The system prompt and any system messages, in order, as one text; "" when there are none. */
export function systemText(request: ProviderRequest): string {
  const parts = [
    request.system ?? "",
    ...request.messages.filter((m) => m.role === "system").map((m) => m.content),
  ];
  return parts.filter((part) => part.trim() !== "").join("\n\n");
}
