/**
 * The request Anthropic's Messages API is sent: Parley's conversation as Anthropic turns (files as
 * base64 blocks, tool calls with the thinking that preceded them, tool results grouped per round),
 * JSON mode as a system instruction, and the thinking budget with the output cap it needs.
 */
import type {
  Base64ImageSource,
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  ThinkingConfigEnabled,
  ToolChoice,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { attachmentsOf, JSON_MODE_INSTRUCTION } from "./attachments";
import { thinkingBudget } from "./thinking-budget";
import { argumentsObject, replayOfAny } from "./tool-calls";
import { toolRoundsAsText } from "./tool-history";
import { type ProviderMessage, type ProviderRequest, type ProviderToolChoice, systemText } from "./types";

/** Anthropic's minimum thinking budget; `budget_tokens` must also stay below `max_tokens`. */
const MIN_THINKING_BUDGET = 1_024;

/** Images and PDFs as base64 blocks, before the text (Anthropic's advice for the best results). */
function userContent(message: ProviderMessage): string | ContentBlockParam[] {
  const attachments = attachmentsOf(message);
  if (attachments.length === 0) return message.content;
  const blocks: ContentBlockParam[] = attachments.map((attachment) =>
    attachment.kind === "image"
      ? {
          type: "image",
          source: {
            type: "base64",
            media_type: attachment.mimeType as Base64ImageSource["media_type"],
            data: attachment.data,
          },
        }
      : {
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: attachment.data },
        },
  );
  if (message.content) blocks.push({ type: "text", text: message.content });
  return blocks;
}

/**
 * An assistant turn that called tools: its thinking blocks exactly as received (the API checks
 * their signatures and refuses tool results without them while thinking is on), its text, then
 * one `tool_use` block per call.
 */
function assistantContent(message: ProviderMessage): string | ContentBlockParam[] {
  const calls = message.toolCalls ?? [];
  if (calls.length === 0) return message.content;
  const thinking = replayOfAny(calls)?.anthropicThinking ?? [];
  return [
    ...thinking,
    ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
    ...calls.map((call) => ({
      type: "tool_use" as const,
      id: call.id,
      name: call.name,
      input: argumentsObject(call),
    })),
  ];
}

/**
 * Parley's messages as Anthropic's turns: system messages go to `system`; the results of one
 * round of tool calls (consecutive `tool` messages) become one user turn of `tool_result` blocks.
 */
function toAnthropicMessages(messages: readonly ProviderMessage[]): MessageParam[] {
  const turns: MessageParam[] = [];
  let results: ToolResultBlockParam[] | undefined;
  for (const message of messages) {
    if (message.role === "system") continue;
    if (message.role !== "tool") results = undefined;
    if (message.role === "tool") {
      const block: ToolResultBlockParam = {
        type: "tool_result",
        tool_use_id: message.toolCallId ?? "",
        ...(message.content ? { content: message.content } : {}),
      };
      if (results) results.push(block);
      else {
        results = [block];
        turns.push({ role: "user", content: results });
      }
    } else if (message.role === "user") {
      turns.push({ role: "user", content: userContent(message) });
    } else {
      turns.push({ role: "assistant", content: assistantContent(message) });
    }
  }
  return turns;
}

function toolChoiceParam(choice: ProviderToolChoice): ToolChoice {
  if (typeof choice !== "string") return { type: "tool", name: choice.name };
  return choice === "required" ? { type: "any" } : { type: choice };
}

/** Choices that force a call; Anthropic refuses them together with extended thinking. */
function forcesToolUse(choice: ProviderToolChoice | undefined): boolean {
  return choice !== undefined && choice !== "auto" && choice !== "none";
}

export function toAnthropicParams(request: ProviderRequest): MessageCreateParamsStreaming {
  // Anthropic has no JSON switch: JSON mode is an instruction in the system prompt.
  const system = [systemText(request), request.responseFormat === "json" ? JSON_MODE_INSTRUCTION : ""]
    .filter(Boolean)
    .join("\n\n");
  const tools = request.tools ?? [];
  const messages = toAnthropicMessages(
    tools.length > 0 ? request.messages : toolRoundsAsText(request.messages),
  );
  const toolChoice = tools.length > 0 ? request.toolChoice : undefined;
  // A client that forces a tool call gets it: thinking is left out rather than the request refused
  // (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#extended-thinking-with-tool-use).
  const effort = forcesToolUse(toolChoice) ? undefined : request.reasoningEffort;
  const budget =
    effort === undefined ? undefined : thinkingBudget(effort, request.maxOutputTokens, MIN_THINKING_BUDGET);
  // Only a cap too small for the minimum budget is raised, so the answer keeps its requested room.
  const maxTokens =
    budget !== undefined && budget >= request.maxOutputTokens
      ? budget + request.maxOutputTokens
      : request.maxOutputTokens;
  // Extended thinking requires the default temperature (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking),
  // and Anthropic's range is 0–1 where Parley's is 0–2.
  const thinking: ThinkingConfigEnabled | undefined =
    budget === undefined ? undefined : { type: "enabled", budget_tokens: budget };
  const sampling = thinking
    ? { thinking }
    : request.temperature !== undefined
      ? { temperature: Math.min(1, request.temperature) }
      : {};
  return {
    model: request.model,
    max_tokens: maxTokens,
    messages,
    ...(system ? { system } : {}),
    ...sampling,
    ...(tools.length > 0
      ? {
          tools: tools.map(({ name, description, parameters }) => ({
            name,
            description,
            input_schema: { ...parameters, type: "object" as const },
          })),
        }
      : {}),
    ...(toolChoice ? { tool_choice: toolChoiceParam(toolChoice) } : {}),
    ...(request.stop?.length ? { stop_sequences: request.stop } : {}),
    stream: true,
  };
}
