/**
 * The conventions that differ between OpenAI-compatible servers on the request side: which
 * max-tokens field they accept, how reasoning effort is spelled, whether usage carries a cost,
 * and what users should read as the provider's name.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import { attachmentsOf, dataURL, JSON_MODE_INSTRUCTION, mentionsJson } from "./attachments";
import { replayOfAny } from "./tool-calls";
import { toolRoundsAsText } from "./tool-history";
import type { ProviderMessage, ProviderRequest, ProviderToolChoice } from "./types";

/** `compatible` is any other server speaking the format: Ollama, vLLM, llama.cpp, LM Studio, proxies. */
export type OpenAIFlavour = "openai" | "openrouter" | "deepseek" | "compatible";

const KNOWN_HOSTS: Record<string, { flavour: OpenAIFlavour; name: string }> = {
  "api.openai.com": { flavour: "openai", name: "OpenAI" },
  "openrouter.ai": { flavour: "openrouter", name: "OpenRouter" },
  "api.deepseek.com": { flavour: "deepseek", name: "DeepSeek" },
  "generativelanguage.googleapis.com": { flavour: "compatible", name: "Gemini" },
};

function hostOf(baseURL: string): string {
  return URL.canParse(baseURL) ? new URL(baseURL).host : baseURL;
}

/** The flavour of a base URL when nobody said: known hosts by name, anything else `compatible`. */
export function flavourFor(baseURL: string): OpenAIFlavour {
  return KNOWN_HOSTS[hostOf(baseURL)]?.flavour ?? "compatible";
}

const FLAVOUR_NAMES: Record<OpenAIFlavour, string | undefined> = {
  openai: "OpenAI",
  openrouter: "OpenRouter",
  deepseek: "DeepSeek",
  compatible: undefined,
};

/** How messages name the upstream: the provider for known hosts or flavours, else the host itself. */
export function providerNameFor(baseURL: string, flavour: OpenAIFlavour): string {
  const host = hostOf(baseURL);
  return KNOWN_HOSTS[host]?.name ?? FLAVOUR_NAMES[flavour] ?? host;
}

/** Body fields the SDK's types do not know but the servers do. */
export type ChatParams = ChatCompletionCreateParamsStreaming & {
  /** OpenRouter's unified reasoning control (https://openrouter.ai/docs/use-cases/reasoning-tokens). */
  reasoning?: { effort: NonNullable<ProviderRequest["reasoningEffort"]> };
};

/**
 * api.openai.com rejects `max_tokens` for its reasoning models (o-series, gpt-5) and wants
 * `max_completion_tokens`; many OpenAI-compatible servers (Ollama, llama.cpp, LM Studio, older
 * vLLM) only know `max_tokens`, which OpenRouter, DeepSeek and Gemini's endpoint accept too.
 */
function maxTokensParam(
  baseURL: string,
  maxOutputTokens: number,
): { max_completion_tokens: number } | { max_tokens: number } {
  return hostOf(baseURL) === "api.openai.com"
    ? { max_completion_tokens: maxOutputTokens }
    : { max_tokens: maxOutputTokens };
}

/**
 * OpenAI, DeepSeek (https://api-docs.deepseek.com/guides/thinking_mode), vLLM and Ollama take
 * `reasoning_effort`; OpenRouter translates its own `reasoning.effort` for every model it routes to.
 */
function reasoningParam(
  flavour: OpenAIFlavour,
  effort: ProviderRequest["reasoningEffort"],
): Pick<ChatParams, "reasoning" | "reasoning_effort"> {
  if (effort === undefined) return {};
  return flavour === "openrouter" ? { reasoning: { effort } } : { reasoning_effort: effort };
}

/**
 * A user message with files: the text, then each file inline as a data URL — images as
 * `image_url` parts, PDFs as `file` parts (OpenAI and OpenRouter read them; other servers get
 * them only if the caller decided to send them).
 */
function userContent(message: ProviderMessage): string | ChatCompletionContentPart[] {
  const attachments = attachmentsOf(message);
  if (attachments.length === 0) return message.content;
  const parts: ChatCompletionContentPart[] = message.content ? [{ type: "text", text: message.content }] : [];
  for (const attachment of attachments) {
    parts.push(
      attachment.kind === "image"
        ? { type: "image_url", image_url: { url: dataURL(attachment) } }
        : { type: "file", file: { filename: attachment.name, file_data: dataURL(attachment) } },
    );
  }
  return parts;
}

/** An assistant message as sent back; DeepSeek's thinking mode adds the reasoning behind its tool calls. */
type ChatMessage = ChatCompletionMessageParam & { reasoning_content?: string };

function toChatMessage(message: ProviderMessage, flavour: OpenAIFlavour): ChatMessage {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content };
    case "user":
      return { role: "user", content: userContent(message) };
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId ?? "", content: message.content };
    case "assistant": {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: "assistant", content: message.content };
      // DeepSeek answers 400 when the reasoning behind tool calls is not sent back with them
      // (https://api-docs.deepseek.com/guides/thinking_mode).
      const reasoning = flavour === "deepseek" ? replayOfAny(calls)?.reasoningContent : undefined;
      return {
        role: "assistant",
        content: message.content || null,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        })),
        ...(reasoning ? { reasoning_content: reasoning } : {}),
      };
    }
  }
}

function toolChoiceParam(choice: ProviderToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}

export function toChatParams(request: ProviderRequest, flavour: OpenAIFlavour, baseURL: string): ChatParams {
  const tools = request.tools ?? [];
  const history = tools.length > 0 ? request.messages : toolRoundsAsText(request.messages);
  const messages: ChatParams["messages"] = history.map((message) => toChatMessage(message, flavour));
  // JSON mode is refused unless the prompt itself asks for JSON (OpenAI and DeepSeek check).
  if (request.responseFormat === "json" && !mentionsJson(request)) {
    messages.unshift({ role: "system", content: JSON_MODE_INSTRUCTION });
  }
  if (request.system?.trim()) messages.unshift({ role: "system", content: request.system });
  return {
    model: request.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...maxTokensParam(baseURL, request.maxOutputTokens),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...reasoningParam(flavour, request.reasoningEffort),
    ...(tools.length > 0
      ? {
          tools: tools.map(({ name, description, parameters }) => ({
            type: "function" as const,
            function: { name, description, parameters },
          })),
        }
      : {}),
    // `tool_choice` without `tools` is refused, and means nothing anyway.
    ...(tools.length > 0 && request.toolChoice ? { tool_choice: toolChoiceParam(request.toolChoice) } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(request.responseFormat === "json" ? { response_format: { type: "json_object" as const } } : {}),
  };
}
