/**
 * An OpenAI Responses request, read into the one `ApiTurnInput` the room runs, plus what the
 * answer's `response` object repeats of it. Input items become the contract's messages: messages
 * by role, `function_call` items as the calls of an assistant message, `function_call_output`
 * items as tool results; `reasoning` items (a client handing back an earlier output) are dropped,
 * since no provider takes another one's reasoning back. Whatever Parley cannot honour is refused
 * with a 400 naming the field (`param`), in OpenAI's notation.
 */
import type { z } from "zod";
import type { ProviderTool, ProviderToolCall } from "../providers/types";
import type { ApiImage, ApiMessage, ApiToolChoice, ApiTurnInput } from "./contract";
import { invalidRequest } from "./errors";
import { checkLastMessage, effortOf, imageOf, refusalOf } from "./openai-params";
import {
  type ContentPart,
  functionCallItemSchema,
  functionCallOutputItemSchema,
  messageItemSchema,
  responsesBodySchema,
  type ResponsesBody,
} from "./openai-responses-schema";

/** The request's settings as the `response` object repeats them (snake_case, as on the wire). */
export interface ResponseSettings {
  /** Answered at once, while the room goes on writing (`background: true`). */
  background: boolean;
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown>; verbosity?: string };
  tool_choice: NonNullable<ResponsesBody["tool_choice"]>;
  tools: Array<{
    type: "function";
    name: string;
    description: string | null;
    parameters: Record<string, unknown> | null;
    strict: boolean | null;
  }>;
  top_p: number | null;
  truncation: "disabled";
}

export interface ParsedResponsesCall {
  input: ApiTurnInput;
  stream: boolean;
  /** The response whose conversation this call continues (`resp_…`, not yet looked up). */
  previousResponseId?: string;
  background: boolean;
  /** False: keep nothing of the call but its usage. */
  store: boolean;
  metadata?: Record<string, string>;
  settings: ResponseSettings;
}

export function parseResponsesCall(body: unknown): ParsedResponsesCall {
  const parsed = responsesBodySchema.safeParse(body);
  if (!parsed.success) throw refusalOf(parsed.error);
  const request = parsed.data;
  const previousResponseId = request.previous_response_id ?? undefined;
  const items = itemsOf(request.input, previousResponseId !== undefined);
  const system = [request.instructions ?? "", ...items.system].filter((text) => text !== "").join("\n\n");
  const tools = request.tools?.map((tool): ProviderTool => ({
    name: tool.name,
    description: tool.description ?? "",
    parameters: tool.parameters ?? { type: "object", properties: {} },
  }));
  const input: ApiTurnInput = { model: request.model, system, messages: items.messages };
  const reasoningEffort = effortOf(request.reasoning?.effort);
  const toolChoice = toolChoiceOf(request.tool_choice, tools ?? []);
  const formatType = request.text?.format?.type;
  if (request.temperature != null) input.temperature = request.temperature;
  if (request.max_output_tokens != null) input.maxOutputTokens = request.max_output_tokens;
  if (reasoningEffort) input.reasoningEffort = reasoningEffort;
  if (formatType === "json_object" || formatType === "json_schema") input.responseFormat = "json";
  if (tools && tools.length > 0) input.tools = tools;
  if (toolChoice) input.toolChoice = toolChoice;
  const store = request.store ?? true;
  return {
    input,
    stream: request.stream ?? false,
    ...(previousResponseId ? { previousResponseId } : {}),
    background: request.background ?? false,
    store,
    ...(request.metadata ? { metadata: request.metadata } : {}),
    settings: settingsOf(request, store),
  };
}

function settingsOf(request: ResponsesBody, store: boolean): ResponseSettings {
  const summary = request.reasoning?.summary ?? request.reasoning?.generate_summary ?? null;
  return {
    background: request.background ?? false,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary },
    store,
    temperature: request.temperature ?? null,
    text: {
      format: request.text?.format ?? { type: "text" },
      ...(request.text?.verbosity ? { verbosity: request.text.verbosity } : {}),
    },
    tool_choice: request.tool_choice ?? "auto",
    tools: (request.tools ?? []).map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    top_p: request.top_p ?? null,
    truncation: "disabled",
  };
}

interface ReadItems {
  system: string[];
  messages: ApiMessage[];
}

/**
 * The input as messages. Consecutive assistant output (a message and the function calls after
 * it) is one assistant message, as Chat Completions has it. With `continuing`, the input follows
 * a stored response, so a result may answer a call made there rather than in the input.
 */
function itemsOf(input: ResponsesBody["input"], continuing: boolean): ReadItems {
  if (typeof input === "string") {
    if (input.trim() === "") throw invalidRequest("The input is empty.", "input");
    return { system: [], messages: [{ role: "user", content: input }] };
  }
  const read: ReadItems = { system: [], messages: [] };
  const callIds = new Set<string>();
  input.forEach((item, index) => readItem(read, item, index, { callIds, continuing }));
  checkLastMessage(
    read.messages,
    "input",
    input.length,
    "The input must end with a user message or function_call_output items",
  );
  return read;
}

function check<T>(schema: z.ZodType<T>, item: unknown, at: PropertyKey[]): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw refusalOf(parsed.error, at);
  return parsed.data;
}

function readItem(
  read: ReadItems,
  item: Record<string, unknown>,
  index: number,
  seen: { callIds: Set<string>; continuing: boolean },
): void {
  const at = `input[${index}]`;
  const type = item.type ?? ("role" in item ? "message" : undefined);
  const previous = read.messages.at(-1);
  switch (type) {
    case "message": {
      const message = check(messageItemSchema, item, ["input", index]);
      const { text, images } = contentOf(message.content, message.role, `${at}.content`);
      if (message.role === "system" || message.role === "developer") {
        if (text !== "") read.system.push(text);
      } else if (message.role === "user") {
        read.messages.push({ role: "user", content: text, ...(images.length > 0 ? { images } : {}) });
      } else if (previous?.role === "assistant" && !previous.toolCalls) {
        // Two output messages of one answer (rare, but OpenAI may split them) stay one answer.
        previous.content = previous.content === "" ? text : `${previous.content}\n\n${text}`;
      } else {
        read.messages.push({ role: "assistant", content: text });
      }
      return;
    }
    case "function_call": {
      const item_ = check(functionCallItemSchema, item, ["input", index]);
      const call: ProviderToolCall = { id: item_.call_id, name: item_.name, arguments: item_.arguments };
      seen.callIds.add(call.id);
      if (previous?.role === "assistant") previous.toolCalls = [...(previous.toolCalls ?? []), call];
      else read.messages.push({ role: "assistant", content: "", toolCalls: [call] });
      return;
    }
    case "function_call_output": {
      const result = check(functionCallOutputItemSchema, item, ["input", index]);
      // Every provider refuses a result for a call it never made; say so in the client's terms.
      if (!seen.continuing && !seen.callIds.has(result.call_id)) {
        throw invalidRequest(
          `'${at}.call_id' ("${result.call_id}") answers no function_call item before it. Send the call too, or continue its response with previous_response_id.`,
          `${at}.call_id`,
        );
      }
      const output =
        typeof result.output === "string"
          ? result.output
          : contentOf(result.output, "tool", `${at}.output`).text;
      read.messages.push({ role: "tool", toolCallId: result.call_id, content: output });
      return;
    }
    case "reasoning":
      return;
    case "item_reference":
      throw invalidRequest(
        "Item references are not supported: send the item itself, or continue its response with previous_response_id.",
        `${at}.type`,
      );
    default:
      throw invalidRequest(
        `Parley reads message, function_call, function_call_output and reasoning items; ${typeof type === "string" ? `"${type}" items are not supported` : "this item has no type"}.`,
        `${at}.type`,
      );
  }
}

/** A message's text (parts joined by newlines) and its inline images; only prompts carry images. */
function contentOf(
  content: string | ContentPart[],
  role: "user" | "assistant" | "system" | "developer" | "tool",
  at: string,
): { text: string; images: ApiImage[] } {
  if (typeof content === "string") return { text: content, images: [] };
  const texts: string[] = [];
  const images: ApiImage[] = [];
  content.forEach((part, index) => {
    const param = `${at}[${index}]`;
    switch (part.type) {
      case "input_text":
      case "output_text":
        texts.push(part.text);
        return;
      case "refusal":
        texts.push(part.refusal);
        return;
      case "input_image":
        if (role !== "user") {
          throw invalidRequest(`Only user messages can carry images, not ${role} content.`, `${param}.type`);
        }
        if (!part.image_url) {
          throw invalidRequest(
            "Uploaded files (file_id) are not supported: send the image inline as a data URL in image_url.",
            `${param}.image_url`,
            "invalid_image_url",
          );
        }
        images.push(imageOf(part.image_url, `${param}.image_url`));
        return;
      case "input_file":
      case "input_audio":
        throw invalidRequest(
          `"${part.type}" parts are not supported: Parley takes text and inline images.`,
          `${param}.type`,
        );
    }
  });
  return { text: texts.join("\n"), images };
}

function toolChoiceOf(
  choice: ResponsesBody["tool_choice"],
  tools: ProviderTool[],
): ApiToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (choice === "auto" || choice === "none") return choice;
  if (tools.length === 0) {
    throw invalidRequest("'tool_choice' asks for a tool call, but 'tools' lists none.", "tool_choice");
  }
  if (choice === "required") return choice;
  if (!tools.some((tool) => tool.name === choice.name)) {
    throw invalidRequest(`'tool_choice' names "${choice.name}", which is not one of 'tools'.`, "tool_choice");
  }
  return { name: choice.name };
}
