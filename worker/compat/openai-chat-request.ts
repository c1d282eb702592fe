/**
 * An OpenAI Chat Completions request, read into the one `ApiTurnInput` the room runs. Whatever
 * Parley cannot honour is refused with a 400 naming the field (`param`), in OpenAI's notation,
 * so that the SDK's `BadRequestError` tells the developer what to change.
 */
import type { ProviderTool, ProviderToolCall } from "../providers/types";
import type { ApiImage, ApiMessage, ApiToolChoice, ApiTurnInput } from "./contract";
import { invalidRequest } from "./errors";
import { checkLastMessage, effortOf, imageOf, refusalOf } from "./openai-params";
import { chatCompletionBodySchema, type ChatCompletionBody, type ChatMessage } from "./openai-chat-schema";

export interface ParsedChatCall {
  input: ApiTurnInput;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage, before `[DONE]`. */
  includeUsage: boolean;
  /** Only ever one answer per call (`n` > 1 is refused). */
  n?: never;
}

export function parseChatCompletion(body: unknown): ParsedChatCall {
  const parsed = chatCompletionBodySchema.safeParse(body);
  if (!parsed.success) throw refusalOf(parsed.error);
  const request = parsed.data;
  const tools = request.tools?.map(({ function: tool }): ProviderTool => ({
    name: tool.name,
    description: tool.description ?? "",
    parameters: tool.parameters ?? { type: "object", properties: {} },
  }));
  const input: ApiTurnInput = {
    model: request.model,
    system: systemOf(request.messages),
    messages: conversationOf(request.messages),
  };
  // Options the client left out (or sent as null) stay out: the model's defaults apply.
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens;
  const reasoningEffort = effortOf(request.reasoning_effort);
  const stop = stopOf(request.stop);
  const toolChoice = toolChoiceOf(request.tool_choice, tools ?? []);
  if (request.temperature != null) input.temperature = request.temperature;
  if (maxOutputTokens != null) input.maxOutputTokens = maxOutputTokens;
  if (reasoningEffort) input.reasoningEffort = reasoningEffort;
  if (jsonMode(request.response_format)) input.responseFormat = "json";
  if (stop) input.stop = stop;
  if (tools && tools.length > 0) input.tools = tools;
  if (toolChoice) input.toolChoice = toolChoice;
  const stream = request.stream ?? false;
  return { input, stream, includeUsage: stream && (request.stream_options?.include_usage ?? false) };
}

function textOf(content: string | { type: "text"; text: string }[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("\n");
}

function systemOf(messages: ChatMessage[]): string {
  return messages
    .flatMap((message) =>
      message.role === "system" || message.role === "developer" ? [textOf(message.content)] : [],
    )
    .filter((text) => text.length > 0)
    .join("\n\n");
}

function conversationOf(messages: ChatMessage[]): ApiMessage[] {
  const out: ApiMessage[] = [];
  const callIds = new Set<string>();
  messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        return;
      case "user": {
        if (typeof message.content === "string") {
          out.push({ role: "user", content: message.content });
          return;
        }
        const texts: string[] = [];
        const images: ApiImage[] = [];
        message.content.forEach((part, partIndex) => {
          if (part.type === "text") texts.push(part.text);
          else images.push(imageOf(part.image_url.url, `${at}.content[${partIndex}].image_url.url`));
        });
        out.push({ role: "user", content: texts.join("\n"), ...(images.length > 0 ? { images } : {}) });
        return;
      }
      case "assistant": {
        const toolCalls = (message.tool_calls ?? []).map((call): ProviderToolCall => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        }));
        for (const call of toolCalls) callIds.add(call.id);
        const content = message.content ?? message.refusal ?? "";
        const text =
          typeof content === "string"
            ? content
            : content.map((part) => (part.type === "text" ? part.text : part.refusal)).join("\n");
        out.push({ role: "assistant", content: text, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
        return;
      }
      case "tool":
        // Every provider refuses a result for a call it never made; say so in the client's terms.
        if (!callIds.has(message.tool_call_id)) {
          throw invalidRequest(
            `'${at}.tool_call_id' ("${message.tool_call_id}") answers no tool call of an earlier assistant message.`,
            `${at}.tool_call_id`,
          );
        }
        out.push({ role: "tool", toolCallId: message.tool_call_id, content: textOf(message.content) });
        return;
    }
  });
  checkLastMessage(
    out,
    "messages",
    messages.length,
    "The last message must be a user message or tool results",
  );
  return out;
}

/** JSON mode; a `json_schema` is asked for as JSON mode too (the schema itself is not enforced). */
function jsonMode(format: ChatCompletionBody["response_format"]): boolean {
  return !!format && format.type !== "text";
}

function stopOf(stop: ChatCompletionBody["stop"]): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  const list = typeof stop === "string" ? [stop] : stop;
  return list.length > 0 ? list : undefined;
}

function toolChoiceOf(
  choice: ChatCompletionBody["tool_choice"],
  tools: ProviderTool[],
): ApiToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (choice === "auto" || choice === "none") return choice;
  if (tools.length === 0) {
    throw invalidRequest("'tool_choice' asks for a tool call, but 'tools' lists none.", "tool_choice");
  }
  if (choice === "required") return choice;
  const { name } = choice.function;
  if (!tools.some((tool) => tool.name === name)) {
    throw invalidRequest(`'tool_choice' names "${name}", which is not one of 'tools'.`, "tool_choice");
  }
  return { name };
}
