/**
 * How one API call's messages become a room turn. Chat APIs are stateless: every call carries the
 * whole conversation. A room is not: it holds the conversation. So:
 *
 * - A call without `X-Parley-Conversation` starts a conversation: everything before the last
 *   user message is stored first (tool results on the answer whose calls they answer), then the
 *   prompt and its answer.
 * - A call naming a conversation continues it: the room's history stands, and only what the
 *   client added after its last assistant message is new: the results of the last answer's tool
 *   calls and/or the next prompt. A client may send the whole history or just the new messages.
 * - A call that continues a stored response (Responses' `previous_response_id`) sends only what
 *   follows it (`onlyNew`): all of it is new. Leading results answer the last answer's calls;
 *   a copy of that answer at the very start (a client handing back the output) is skipped.
 *
 * Pure, so the rules are tested without a room (tests/worker/compat-turn-plan.test.ts).
 */
import { AppError } from "../errors";
import type { ToolCall } from "#protocol/messages";
import type { RoomApiTurn } from "../room/api-request";
import type { PriorMessage } from "../room/turn/plan";
import type { ApiMessage, ApiTurnInput } from "./contract";

export interface TurnPlanContext {
  /** The call continues a conversation named by the client. */
  continuing: boolean;
  /** The personal token's name, shown beside the conversations it starts. */
  tokenName: string;
  /** Uploads already stored for the images of the prompt. */
  attachments: string[];
  /** With `continuing`: the messages all follow the conversation's last answer. */
  onlyNew?: boolean;
}

const invalid = (message: string) => new AppError(400, "invalid_request", message);

export function roomTurnFrom(input: ApiTurnInput, context: TurnPlanContext): RoomApiTurn {
  let messages = input.messages;
  const toolResults: Array<{ id: string; content: string }> = [];
  if (context.continuing) {
    const firstNew = context.onlyNew
      ? messages.findIndex((message) => message.role !== "assistant")
      : messages.findLastIndex((message) => message.role === "assistant") + 1;
    messages = firstNew === -1 ? [] : messages.slice(firstNew);
    while (messages[0]?.role === "tool") {
      const [result] = messages;
      toolResults.push({ id: result.toolCallId, content: result.content });
      messages = messages.slice(1);
    }
    // New earlier messages may carry their own calls and results (foldMessages checks them).
    if (!context.onlyNew && messages.some((message) => message.role === "tool")) {
      throw invalid("Tool results must directly follow the assistant message whose calls they answer.");
    }
  }
  const last = messages.at(-1);
  if (last?.role === "assistant") {
    throw invalid(
      "The last message must be a user message or tool results; assistant prefill is not supported.",
    );
  }
  if (!last && toolResults.length === 0) {
    throw invalid("The request has no new user message or tool results.");
  }
  const prompt = last?.role === "user" ? last : undefined;
  const prior = foldMessages(prompt ? messages.slice(0, -1) : messages);
  if (!prompt && toolResults.length === 0 && !prior.at(-1)?.toolCalls?.length) {
    throw invalid("The last message must be a user message or tool results.");
  }
  return {
    model: input.model,
    content: prompt ? prompt.content : null,
    prior,
    ...(toolResults.length > 0 ? { toolResults } : {}),
    attachments: context.attachments,
    options: {
      ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
      ...(input.maxOutputTokens !== undefined ? { maxOutputTokens: input.maxOutputTokens } : {}),
      ...(input.reasoningEffort !== undefined ? { reasoningEffort: input.reasoningEffort } : {}),
      ...(input.responseFormat !== undefined ? { responseFormat: input.responseFormat } : {}),
    },
    api: {
      ...(input.tools && input.tools.length > 0 ? { tools: input.tools } : {}),
      ...(input.toolChoice !== undefined ? { toolChoice: input.toolChoice } : {}),
      ...(input.stop && input.stop.length > 0 ? { stop: input.stop } : {}),
    },
    ...(context.continuing
      ? {}
      : { create: { systemPrompt: input.system, apiTokenName: context.tokenName } }),
  };
}

/**
 * Earlier messages as stored rows: an assistant message keeps the calls it made, and each tool
 * result is written onto the call it answers (Parley stores a call and its result together).
 */
function foldMessages(messages: readonly ApiMessage[]): PriorMessage[] {
  const out: PriorMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "user":
        out.push({ role: "user", content: withImageNotes(message.content, message.images?.length ?? 0) });
        break;
      case "assistant":
        out.push({
          role: "assistant",
          content: message.content,
          ...(message.toolCalls && message.toolCalls.length > 0
            ? {
                toolCalls: message.toolCalls.map((call): ToolCall => ({
                  ...call,
                  result: null,
                  offset: message.content.length,
                })),
              }
            : {}),
        });
        break;
      case "tool": {
        const call = out
          .findLast((row) => row.role === "assistant")
          ?.toolCalls?.find((candidate) => candidate.id === message.toolCallId);
        if (!call) {
          throw invalid(`The tool result for "${message.toolCallId}" answers no earlier tool call.`);
        }
        call.result = message.content;
        break;
      }
    }
  }
  return out;
}

/** Only the prompt's images are kept as files; earlier ones are named so the history reads right. */
function withImageNotes(content: string, images: number): string {
  if (images === 0) return content;
  const note = `[${images === 1 ? "An image was" : `${images} images were`} sent here and not kept.]`;
  return content === "" ? note : `${content}\n\n${note}`;
}
