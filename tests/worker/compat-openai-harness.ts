// A real OpenAI client wired to the OpenAI dialect alone: its fetch parses each request with
// parseChatCompletion and answers it from a scripted list of the room's events, or with the
// dialect's error response for whatever a route would have thrown.
import OpenAI from "openai";
import type { ErrorInfo, FinishReason, Usage } from "#protocol/messages";
import type { ApiTurnEvent, StartedApiTurn } from "../../worker/compat/contract";
import { CompatError } from "../../worker/compat/errors";
import {
  chatCompletionObject,
  chatCompletionStream,
  openAIError,
  parseChatCompletion,
  type ParsedChatCall,
} from "../../worker/compat/openai-chat";
import { AppError } from "../../worker/errors";

export const USAGE: Usage = {
  inputTokens: 12,
  outputTokens: 7,
  cachedInputTokens: 4,
  reasoningTokens: 2,
  costUsd: 0.0001,
};

export function done(
  finishReason: FinishReason,
  usage: Usage | null,
  error: ErrorInfo | null = null,
): ApiTurnEvent {
  return { type: "done", finishReason, usage, error };
}

async function* replay(events: ApiTurnEvent[]): AsyncGenerator<ApiTurnEvent> {
  for (const event of events) {
    // A turn's events arrive over time, not in one go.
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield event;
  }
}

export function answerWith(events: AsyncIterable<ApiTurnEvent>, model = "gpt-5-mini"): StartedApiTurn {
  return {
    conversationId: "conv_1",
    messageId: "msg_1",
    model,
    createdAt: 1_750_000_000_123,
    url: "https://parley.test/c/conv_1",
    headers: { "X-Parley-Conversation": "conv_1", "X-Parley-Url": "https://parley.test/c/conv_1" },
    events,
  };
}

/**
 * An OpenAI client whose calls are answered with `answer` (events replayed for each call, or a
 * thrown refusal), and the calls as the dialect parsed them.
 */
export function clientFor(answer: ApiTurnEvent[] | (() => ApiTurnEvent[]), { maxRetries = 0 } = {}) {
  const calls: ParsedChatCall[] = [];
  let requests = 0;
  const client = new OpenAI({
    apiKey: "pk_live_x",
    baseURL: "http://compat.test/v1",
    maxRetries,
    fetch: async (_url, init) => {
      requests++;
      try {
        const call = parseChatCompletion(JSON.parse(String(init?.body)));
        calls.push(call);
        const events = typeof answer === "function" ? answer() : answer;
        const turn = answerWith(replay(events), call.input.model);
        return call.stream
          ? chatCompletionStream(turn, { includeUsage: call.includeUsage })
          : await chatCompletionObject(turn);
      } catch (error) {
        if (error instanceof CompatError || error instanceof AppError) return openAIError(error);
        throw error;
      }
    },
  });
  return { client, calls, requests: () => requests };
}
