/**
 * What Parley's OpenAI- and Anthropic-compatible endpoints have in common, whatever wire format
 * the client speaks: a call becomes one `ApiTurnInput` (the dialect's parser writes it), the room
 * answers it as a stream of `ApiTurnEvent`s (the dialect's writer turns them into that API's
 * chunks or one JSON object). Neither side knows the other's format.
 */
import type { ErrorInfo, FinishReason, Usage } from "#protocol/messages";
import type { ProviderTool, ProviderToolCall, ReasoningEffort } from "../providers/types";

/** An image sent inline with a user message: its bytes as base64, never a URL. */
export interface ApiImage {
  mimeType: string;
  /** Standard base64, without a `data:` prefix. */
  data: string;
}

/** One message of the client's conversation, normalized. */
export type ApiMessage =
  | { role: "user"; content: string; images?: ApiImage[] }
  | { role: "assistant"; content: string; toolCalls?: ProviderToolCall[] }
  /** The result of the client's own run of tool call `toolCallId`. */
  | { role: "tool"; toolCallId: string; content: string };

/** Which tool the model must, may or must not call. */
export type ApiToolChoice = "auto" | "none" | "required" | { name: string };

/** One API call, as the room runs it. */
export interface ApiTurnInput {
  /** A Parley catalogue model id (`GET /v1/models`). */
  model: string;
  /** Every system (or developer) instruction of the call, joined; "" for none. */
  system: string;
  /** The conversation, oldest first. The last message is a user message or tool results. */
  messages: ApiMessage[];
  temperature?: number;
  maxOutputTokens?: number;
  reasoningEffort?: ReasoningEffort;
  responseFormat?: "json";
  /** Sequences that end the answer where they appear. */
  stop?: string[];
  /** The client's own tools: the model's calls are returned to the client, never run by Parley. */
  tools?: ProviderTool[];
  toolChoice?: ApiToolChoice;
}

/** What the room streams back for one API call, in order; `done` is always last. */
export type ApiTurnEvent =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  /** One complete call of one of the client's tools (arguments are the whole JSON text). */
  | { type: "tool_call"; call: ProviderToolCall }
  | {
      type: "done";
      /** `stopped` when someone pressed Stop (an API reports it as a normal end, with the text so far). */
      finishReason: FinishReason;
      usage: Usage | null;
      /** Set when the answer failed part-way (finishReason `error`). */
      error: ErrorInfo | null;
    };

/** An admitted API call whose answer is being written. */
export interface StartedApiTurn {
  conversationId: string;
  /** The assistant message being written; a stable id for the API's response id. */
  messageId: string;
  /** The catalogue id of the model that answers. */
  model: string;
  /** When the turn started, epoch ms. */
  createdAt: number;
  /** Where a browser watches this conversation live (`X-Parley-Url`); "" when it keeps no history. */
  url: string;
  /** Response headers every dialect adds (X-Parley-Conversation, X-Parley-Url, RateLimit-*). */
  headers: Record<string, string>;
  events: AsyncIterable<ApiTurnEvent>;
}
