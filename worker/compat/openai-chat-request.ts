/**
 * An OpenAI Chat Completions request, read into the one `ApiTurnInput` the room runs. Whatever
 * Parley cannot honour is refused with a 400 naming the field (`param`), in OpenAI's notation,
 * so that the SDK's `BadRequestError` tells the developer what to change.
 */
import type { z } from "zod";
import { IMAGE_TYPES } from "../attachments";
import type { ProviderTool, ProviderToolCall, ReasoningEffort } from "../providers/types";
import type { ApiImage, ApiMessage, ApiToolChoice, ApiTurnInput } from "./contract";
import { invalidRequest } from "./errors";
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
  const last = out.at(-1);
  if (!last || last.role === "assistant") {
    throw invalidRequest(
      "The last message must be a user message or tool results (besides system and developer messages).",
      "messages",
    );
  }
  if (last.role === "user" && last.content.trim() === "" && !last.images) {
    throw invalidRequest("The last user message is empty.", `messages[${messages.length - 1}].content`);
  }
  return out;
}

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** An inline image: `data:image/png;base64,…`. Parley fetches no URL on a client's behalf. */
function imageOf(url: string, param: string): ApiImage {
  const match = DATA_URL.exec(url);
  if (!match) {
    throw invalidRequest(
      `Only inline images are accepted: send the image as a data URL ("data:image/png;base64,…"), not a link${/^https?:/i.test(url) ? "" : " or any other URL"}.`,
      param,
      "invalid_image_url",
    );
  }
  const mimeType = (match[1] ?? "").toLowerCase();
  const data = (match[3] ?? "").replace(/\s/g, "");
  if (!(IMAGE_TYPES as readonly string[]).includes(mimeType)) {
    throw invalidRequest(
      `Images must be PNG, JPEG, WebP or GIF; this one is "${mimeType}".`,
      param,
      "invalid_image_format",
    );
  }
  if (!(match[2] ?? "").split(";").includes("base64") || !BASE64.test(data)) {
    throw invalidRequest(
      'The image\'s data URL must hold base64 bytes (";base64,").',
      param,
      "invalid_image_url",
    );
  }
  return { mimeType, data };
}

function effortOf(effort: ChatCompletionBody["reasoning_effort"]): ReasoningEffort | undefined {
  switch (effort) {
    case "minimal":
    case "low":
      return "low";
    case "medium":
      return "medium";
    case "high":
    case "xhigh":
      return "high";
    // "none" asks for no reasoning, which Parley cannot promise: the model's default applies.
    default:
      return undefined;
  }
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

/** A schema failure as one 400: the deepest field at fault, e.g. `messages[1].content[0].text`. */
function refusalOf(error: z.ZodError) {
  const issue = error.issues[0];
  if (!issue) return invalidRequest("The request is not a valid chat completion request.");
  const { path, message } = deepest(issue);
  if (path.length === 0) return invalidRequest(message);
  const param = paramOf(path);
  if (/received undefined$/.test(message)) {
    return invalidRequest(`Missing required parameter: '${param}'.`, param);
  }
  return invalidRequest(
    `Invalid '${param}': ${message.replace(/^Invalid input: /, "")}.`.replace(/\.\.$/, "."),
    param,
  );
}

type Issue = z.core.$ZodIssue;

/**
 * A union's own issue says only "invalid input"; the branch that got furthest says what is
 * wrong (a parts array with a bad part beats "expected a string").
 */
function deepest(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const best = issue.errors
      .flatMap((branch) => (branch[0] ? [deepest(branch[0])] : []))
      .reduce<{ path: PropertyKey[]; message: string } | undefined>(
        (found, next) => (!found || next.path.length > found.path.length ? next : found),
        undefined,
      );
    if (best && best.path.length > 0) return { path: [...issue.path, ...best.path], message: best.message };
  }
  return { path: issue.path, message: issue.message };
}

function paramOf(path: PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}
