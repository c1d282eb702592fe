/**
 * The body of an OpenAI Chat Completions request, as Parley reads it
 * (https://platform.openai.com/docs/api-reference/chat/create). Every field Parley acts on is
 * checked; the many sampling and bookkeeping fields clients add by habit (`top_p`, `seed`,
 * `presence_penalty`, `logprobs`, `metadata`, `store`…) are dropped unread rather than refused,
 * and optional fields may be `null`, as several SDKs send them.
 */
import { z } from "zod";

/** OpenAI's own limits, kept so a request that OpenAI would refuse is refused here too. */
export const MAX_STOP_SEQUENCES = 4;
export const MAX_TOOLS = 128;

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1), detail: z.string().nullish() }),
});
const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)], {
  error: "expected a string or an array of text parts",
});
const userContent = z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, imagePart]))], {
  error: "expected a string or an array of text and image_url parts",
});
const assistantContent = z.union(
  [z.string(), z.array(z.discriminatedUnion("type", [textPart, refusalPart]))],
  {
    error: "expected a string, null, or an array of text parts",
  },
);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const name = z.string().nullish();

const messageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.enum(["system", "developer"]), content: textContent, name }),
  z.object({ role: z.literal("user"), content: userContent, name }),
  z.object({
    role: z.literal("assistant"),
    content: assistantContent.nullish(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).nullish(),
    name,
  }),
  z.object({ role: z.literal("tool"), tool_call_id: z.string().min(1), content: textContent }),
]);
export type ChatMessage = z.infer<typeof messageSchema>;

const functionTool = z.object({
  type: z.literal("function", 'expected "function": Parley takes function tools only'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, underscores or dashes"),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union(
  [
    z.enum(["auto", "none", "required"]),
    z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
  ],
  { error: 'expected "auto", "none", "required" or {"type":"function","function":{"name":…}}' },
);

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({ type: z.literal("json_schema"), json_schema: z.object({ name: z.string() }).loose() }),
]);

const maxTokens = z.int().positive().nullish();

export const chatCompletionBodySchema = z.object(
  {
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1, "must hold at least one message"),
    temperature: z.number().min(0).max(2).nullish(),
    max_tokens: maxTokens,
    max_completion_tokens: maxTokens,
    stop: z
      .union([z.string().min(1), z.array(z.string().min(1)).max(MAX_STOP_SEQUENCES)], {
        error: `expected a string or an array of at most ${MAX_STOP_SEQUENCES} non-empty strings`,
      })
      .nullish(),
    tools: z.array(functionTool).max(MAX_TOOLS, `takes at most ${MAX_TOOLS} tools`).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: responseFormat.nullish(),
    reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish(),
    user: z.string().nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
    n: z.int().min(1).max(1, "Parley writes one answer per call: n must be 1").nullish(),
    modalities: z.array(z.literal("text", "Parley answers in text only")).nullish(),
    audio: z.null("Parley answers in text only").optional(),
    functions: z.null("functions is deprecated: send tools instead").optional(),
    function_call: z.null("function_call is deprecated: send tool_choice instead").optional(),
  },
  { error: "The request body must be a JSON object." },
);
export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;
