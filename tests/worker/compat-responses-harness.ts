// A real OpenAI client wired to the Responses dialect alone: its fetch parses each request with
// parseResponsesCall and answers it from a scripted list of the room's events, or with the
// dialect's error response for whatever a route would have thrown.
import OpenAI from "openai";
import type { ApiTurnEvent } from "../../worker/compat/contract";
import { CompatError } from "../../worker/compat/errors";
import { openAIError } from "../../worker/compat/openai-chat";
import {
  parseResponsesCall,
  responseObject,
  responsesStream,
  type ParsedResponsesCall,
} from "../../worker/compat/openai-responses";
import { AppError } from "../../worker/errors";
import { answerWith } from "./compat-openai-harness";

export { done, USAGE } from "./compat-openai-harness";

/** The message the scripted answers write: `resp_<this>` is their response id. */
export const MESSAGE_ID = "0b7c2f8e-4d1a-4c3b-9e5f-1a2b3c4d5e6f";
export const RESPONSE_ID = `resp_${MESSAGE_ID}`;

async function* replay(events: ApiTurnEvent[]): AsyncGenerator<ApiTurnEvent> {
  for (const event of events) {
    // A turn's events arrive over time, not in one go.
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield event;
  }
}

/** A started turn answering with `events`, as the routes hand it to the dialect. */
export function turnOf(events: ApiTurnEvent[], model = "gpt-5-mini") {
  return { ...answerWith(replay(events), model), messageId: MESSAGE_ID };
}

/** An OpenAI client whose Responses calls are answered with `answer`, and the calls as parsed. */
export function responsesClientFor(answer: ApiTurnEvent[]) {
  const calls: ParsedResponsesCall[] = [];
  const bodies: string[] = [];
  const client = new OpenAI({
    apiKey: "pk_live_x",
    baseURL: "http://compat.test/v1",
    maxRetries: 0,
    fetch: async (_url, init) => {
      try {
        const call = parseResponsesCall(JSON.parse(String(init?.body)));
        calls.push(call);
        const turn = turnOf(answer, call.input.model);
        const response = call.stream ? responsesStream(turn, call) : await responseObject(turn, call);
        // Keep the bytes the client read, for the tests of the wire itself.
        bodies.push(await response.clone().text());
        return response;
      } catch (error) {
        if (error instanceof CompatError || error instanceof AppError) return openAIError(error);
        throw error;
      }
    },
  });
  return { client, calls, bodies };
}

/** The SSE events of a stream's bytes, parsed. */
export function sseEvents(body: string): Array<{ event: string; data: Record<string, unknown> }> {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as Record<string, unknown>;
      return { event, data };
    });
}
