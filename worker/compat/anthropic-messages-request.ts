/**
 * A call to Anthropic's Messages API (https://docs.anthropic.com/en/api/messages) as the
 * `ApiTurnInput` the room runs. Refusals are 400 `invalid_request_error`s whose message starts
 * with the field's path, the way Anthropic's own errors name it (its errors have no `param`).
 * Fields Parley has no use for (`metadata`, `top_p`, `top_k`, `cache_control`, …) are ignored.
 */
import { z } from "zod";
import type { ProviderTool, ProviderToolCall, ReasoningEffort } from "../providers/types";
import type { ApiImage, ApiMessage, ApiToolChoice, ApiTurnInput } from "./contract";
import { CompatError } from "./errors";

export interface ParsedMessagesCall {
  input: ApiTurnInput;
  stream: boolean;
}

function refuse(path: string, message: string): CompatError {
  return new CompatError(400, "invalid_request_error", "invalid_request", `${path}: ${message}`, path);
}

/** Parses `value` at `path`, or refuses with the first issue's full path. */
function read<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value, {
    error: (issue) => (issue.input === undefined ? "Field required" : undefined),
  });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = [path, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  throw refuse(where || "body", issue?.message ?? "Invalid value");
}

const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const typedBlock = z.looseObject({ type: z.string() });

const callSchema = z.object({
  model: z.string().min(1).max(200),
  max_tokens: z.number().int().min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  messages: z.array(z.looseObject({ role: z.enum(["user", "assistant"]) })).min(1),
  temperature: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string().min(1)).optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z
    .object({ type: z.enum(["auto", "any", "tool", "none"]), name: z.string().min(1).optional() })
    .optional(),
  thinking: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("enabled"), budget_tokens: z.number().int().min(1024) }),
      z.object({ type: z.literal("disabled") }),
      z.object({ type: z.enum(["adaptive", "between_tools"]) }),
    ])
    .optional(),
  output_config: z
    .object({
      effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
      format: z.unknown().optional(),
    })
    .optional(),
  stream: z.boolean().optional(),
});

const imageBlock = z.object({
  type: z.literal("image"),
  source: z.object({
    type: z.literal("base64", { error: "Parley takes images as base64 data only, not by URL or file id" }),
    media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
    data: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "Not standard base64 data"),
  }),
});

const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(typedBlock)]).optional(),
});

const toolSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, "Must be 1 to 128 letters, digits, _ or -"),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal("object") }),
});

/** A user turn: tool results become `tool` messages first, in order, then its text and images. */
function userMessages(content: unknown[], path: string): ApiMessage[] {
  const results: ApiMessage[] = [];
  const texts: string[] = [];
  const images: ApiImage[] = [];
  content.forEach((raw, index) => {
    const at = `${path}.${index}`;
    const block = read(typedBlock, raw, at);
    if (block.type === "text") texts.push(read(textBlock, raw, at).text);
    else if (block.type === "image") {
      const { source } = read(imageBlock, raw, at);
      images.push({ mimeType: source.media_type, data: source.data });
    } else if (block.type === "tool_result") {
      const result = read(toolResultBlock, raw, at);
      results.push({ role: "tool", toolCallId: result.tool_use_id, content: toolResultText(result, at) });
    } else throw refuse(`${at}.type`, `Parley does not accept "${block.type}" blocks in user messages`);
  });
  // Separate pieces of input: kept apart as paragraphs.
  const text = texts.join("\n\n");
  if (texts.length === 0 && images.length === 0) return results;
  return [...results, { role: "user", content: text, ...(images.length > 0 ? { images } : {}) }];
}

function toolResultText(result: z.infer<typeof toolResultBlock>, path: string): string {
  if (result.content === undefined || typeof result.content === "string") return result.content ?? "";
  return result.content
    .map((block, index) => {
      const at = `${path}.content.${index}`;
      if (block.type !== "text") throw refuse(`${at}.type`, "Parley takes tool results as text only");
      return read(textBlock, block, at).text;
    })
    .join("\n\n");
}

/** An assistant turn: its text and tool calls; thinking blocks are the model's own and dropped. */
function assistantMessage(content: unknown[], path: string): ApiMessage {
  const texts: string[] = [];
  const toolCalls: ProviderToolCall[] = [];
  content.forEach((raw, index) => {
    const at = `${path}.${index}`;
    const block = read(typedBlock, raw, at);
    if (block.type === "text") texts.push(read(textBlock, raw, at).text);
    else if (block.type === "tool_use") {
      const call = read(toolUseBlock, raw, at);
      toolCalls.push({ id: call.id, name: call.name, arguments: JSON.stringify(call.input) });
    } else if (block.type !== "thinking" && block.type !== "redacted_thinking") {
      throw refuse(`${at}.type`, `Parley does not accept "${block.type}" blocks in assistant messages`);
    }
  });
  // Pieces of one earlier answer (e.g. split around citations): joined as they were written.
  return { role: "assistant", content: texts.join(""), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
}

function conversation(messages: z.infer<typeof callSchema>["messages"]): ApiMessage[] {
  const out = messages.flatMap((message, index) => {
    const path = `messages.${index}.content`;
    const content = read(z.union([z.string(), z.array(z.unknown())]), message.content, path);
    if (content.length === 0) throw refuse(path, "Messages must have non-empty content");
    if (message.role === "user") {
      return typeof content === "string" ? [{ role: "user" as const, content }] : userMessages(content, path);
    }
    return [
      typeof content === "string" ? { role: "assistant" as const, content } : assistantMessage(content, path),
    ];
  });
  if (out.at(-1)?.role === "assistant") {
    throw refuse(
      `messages.${messages.length - 1}.role`,
      "The last message must be a user message; Parley does not continue a prefilled assistant answer",
    );
  }
  return out;
}

function clientTools(tools: unknown[]): ProviderTool[] {
  return tools.map((raw, index) => {
    const at = `tools.${index}`;
    const type = read(z.looseObject({ type: z.string().optional() }), raw, at).type;
    if (type !== undefined && type !== "custom") {
      throw refuse(
        `${at}.type`,
        `Parley does not run Anthropic's server tools ("${type}"); only your own tools`,
      );
    }
    const tool = read(toolSchema, raw, at);
    return { name: tool.name, description: tool.description ?? "", parameters: tool.input_schema };
  });
}

function toolChoiceOf(
  choice: NonNullable<z.infer<typeof callSchema>["tool_choice"]>,
  tools: ProviderTool[],
): ApiToolChoice {
  if (choice.type === "auto" || choice.type === "none") return choice.type;
  if (tools.length === 0) {
    throw refuse("tool_choice.type", `"${choice.type}" needs at least one tool in tools`);
  }
  if (choice.type === "any") return "required";
  const name = choice.name;
  if (!name) throw refuse("tool_choice.name", "Field required");
  if (!tools.some((tool) => tool.name === name)) {
    throw refuse("tool_choice.name", `No tool named "${name}" in tools`);
  }
  return { name };
}

/** Bins around Parley's own budgets per effort (2k, 8k, 24k tokens). */
function effortOfBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < 4_096) return "low";
  return budgetTokens < 16_384 ? "medium" : "high";
}

function reasoningEffortOf(call: z.infer<typeof callSchema>): ReasoningEffort | undefined {
  const thinking = call.thinking;
  if (!thinking || thinking.type === "disabled") return undefined;
  if (thinking.type === "enabled") return effortOfBudget(thinking.budget_tokens);
  // Adaptive thinking lets the model decide; `output_config.effort` is the only size it is given.
  const effort = call.output_config?.effort;
  if (effort === "low" || effort === "medium") return effort;
  return effort ? "high" : "medium";
}

export function parseMessagesCall(body: unknown): ParsedMessagesCall {
  const call = read(callSchema, body, "");
  if (call.output_config?.format != null) {
    throw refuse("output_config.format", "Structured outputs are not supported by Parley");
  }
  const tools = call.tools ? clientTools(call.tools) : [];
  const system =
    typeof call.system === "string" ? call.system : (call.system ?? []).map((b) => b.text).join("\n\n");
  const reasoningEffort = reasoningEffortOf(call);
  const input: ApiTurnInput = {
    model: call.model,
    system,
    messages: conversation(call.messages),
    maxOutputTokens: call.max_tokens,
    ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
    ...(reasoningEffort ? { reasoningEffort } : {}),
    ...(call.stop_sequences?.length ? { stop: call.stop_sequences } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(call.tool_choice ? { toolChoice: toolChoiceOf(call.tool_choice, tools) } : {}),
  };
  return { input, stream: call.stream ?? false };
}
