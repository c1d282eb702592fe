// An @anthropic-ai/sdk client answered by the Anthropic Messages dialect over a scripted turn: its
// fetch parses the call with parseMessagesCall and answers with messagesStream / messagesObject.
import Anthropic from "@anthropic-ai/sdk";
import {
  anthropicError,
  messagesObject,
  messagesStream,
  parseMessagesCall,
  type ParsedMessagesCall,
} from "../../worker/compat/anthropic-messages";
import type { ApiTurnEvent, StartedApiTurn } from "../../worker/compat/contract";
import { CompatError } from "../../worker/compat/errors";

const USAGE = { inputTokens: 120, outputTokens: 30, cachedInputTokens: 20, costUsd: 0.001 };
export const done = (finishReason: "stop" | "stopped" | "tool_calls" | "length" = "stop"): ApiTurnEvent => ({
  type: "done",
  finishReason,
  usage: USAGE,
  error: null,
});
export const failed = (code: string, message: string): ApiTurnEvent => ({
  type: "done",
  finishReason: "error",
  usage: null,
  error: { code, message, retryable: true },
});

/** A started turn of conversation `conv1` whose answer is `events`. */
export function turnOf(events: AsyncIterable<ApiTurnEvent>, model = "gemini-2.5-flash"): StartedApiTurn {
  return {
    conversationId: "conv1",
    messageId: "m1",
    model,
    createdAt: Date.now(),
    url: "http://parley.test/c/conv1",
    headers: { "X-Parley-Conversation": "conv1", "X-Parley-Url": "http://parley.test/c/conv1" },
    events,
  };
}

export async function* play(events: ApiTurnEvent[], breakAfter?: number): AsyncGenerator<ApiTurnEvent> {
  for (const [index, event] of events.entries()) {
    if (index === breakAfter) throw new Error("room connection lost");
    await Promise.resolve();
    yield event;
  }
}

/** An SDK client whose calls are answered by the dialect over `events`; `calls` records the parses. */
export function parley(events: ApiTurnEvent[], options: { breakAfter?: number } = {}) {
  const calls: ParsedMessagesCall[] = [];
  const client = new Anthropic({
    apiKey: "pk_live_x",
    baseURL: "http://compat.test",
    maxRetries: 0,
    fetch: async (_url: string | URL | Request, init?: RequestInit) => {
      let call: ParsedMessagesCall;
      try {
        call = parseMessagesCall(JSON.parse(String(init?.body)));
      } catch (error) {
        if (error instanceof CompatError) return anthropicError(error);
        throw error;
      }
      calls.push(call);
      const turn = turnOf(play(events, options.breakAfter), call.input.model);
      return call.stream ? messagesStream(turn) : messagesObject(turn);
    },
  });
  return { client, calls };
}

export const ASK = {
  model: "gemini-2.5-flash",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "Say hello" }],
};
