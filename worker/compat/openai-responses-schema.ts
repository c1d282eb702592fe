/**
 * The body of an OpenAI Responses request, as Parley reads it
 * (https://platform.openai.com/docs/api-reference/responses/create). The request's own fields are
 * checked here; `input` items are checked one by one by the parser (openai-responses-request.ts),
 * so that a refusal names the item at fault. Bookkeeping fields clients send by habit (`include`,
 * `truncation`, `service_tier`, `top_logprobs`, `prompt_cache_key`…) are dropped unread, and
 * optional fields may be `null`, as the SDKs send them.
 */
import { z } from "zod";
import { MAX_TOOLS } from "./openai-chat-schema";

/** OpenAI's limits on `metadata`, kept so a request OpenAI would refuse is refused here too. */
export const MAX_METADATA_KEYS = 16;

const functionTool = z.object({
  type: z.literal("function", 'expected "function": Parley runs no built-in tools, only your functions'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, underscores or dashes"),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
export type ResponsesFunctionTool = z.infer<typeof functionTool>;

const toolChoice = z.union(
  [
    z.enum(["auto", "none", "required"]),
    z.object({
      type: z.literal("function", 'expected "function": Parley can only be asked to call your functions'),
      name: z.string().min(1),
    }),
  ],
  { error: 'expected "auto", "none", "required" or {"type":"function","name":…}' },
);

const format = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("json_object") }),
    z
      .object({
        type: z.literal("json_schema"),
        name: z.string().min(1),
        schema: z.record(z.string(), z.unknown()),
      })
      .loose(),
  ],
  { error: 'expected a format of type "text", "json_object" or "json_schema"' },
);

const effort = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);

const metadata = z
  .record(
    z.string().max(64, "keys are at most 64 characters"),
    z.string().max(512, "values are at most 512 characters"),
  )
  .refine(
    (value) => Object.keys(value).length <= MAX_METADATA_KEYS,
    `holds at most ${MAX_METADATA_KEYS} keys`,
  );

export const responsesBodySchema = z.object(
  {
    model: z.string().min(1),
    /** A prompt, or a list of items; each item is read by the parser. */
    input: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))], {
      error: "expected a string or an array of input items",
    }),
    instructions: z.string().nullish(),
    max_output_tokens: z.int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    tools: z.array(functionTool).max(MAX_TOOLS, `takes at most ${MAX_TOOLS} tools`).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    text: z
      .object({ format: format.nullish(), verbosity: z.enum(["low", "medium", "high"]).nullish() })
      .nullish(),
    reasoning: z
      .object({
        effort: effort.nullish(),
        summary: z.enum(["auto", "concise", "detailed"]).nullish(),
        generate_summary: z.enum(["auto", "concise", "detailed"]).nullish(),
      })
      .nullish(),
    store: z.boolean().nullish(),
    previous_response_id: z.string().min(1).nullish(),
    background: z.boolean().nullish(),
    metadata: metadata.nullish(),
    user: z.string().nullish(),
    stream: z.boolean().nullish(),
    conversation: z
      .null("Parley keeps each conversation itself: continue one with previous_response_id")
      .optional(),
    prompt: z.null("Parley has no stored prompt templates: send instructions and input").optional(),
  },
  { error: "The request body must be a JSON object." },
);
export type ResponsesBody = z.infer<typeof responsesBodySchema>;

/** Parts of a message's content. Files and audio are named so that their refusal is clear. */
const contentPart = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("input_text"), text: z.string() }),
    z.object({ type: z.literal("output_text"), text: z.string() }).loose(),
    z.object({ type: z.literal("refusal"), refusal: z.string() }),
    z.object({
      type: z.literal("input_image"),
      image_url: z.string().min(1).nullish(),
      file_id: z.string().nullish(),
      detail: z.string().nullish(),
    }),
    z.object({ type: z.literal("input_file") }).loose(),
    z.object({ type: z.literal("input_audio") }).loose(),
  ],
  { error: 'expected a part of type "input_text", "output_text", "refusal" or "input_image"' },
);
export type ContentPart = z.infer<typeof contentPart>;

export const messageItemSchema = z.object({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"], {
    error: 'expected "user", "assistant", "system" or "developer"',
  }),
  content: z.union([z.string(), z.array(contentPart)], {
    error: "expected a string or an array of content parts",
  }),
});

export const functionCallItemSchema = z.object({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

export const functionCallOutputItemSchema = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)], {
    error: "expected a string or an array of input_text parts",
  }),
});
