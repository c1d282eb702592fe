// How an OpenAI Responses request becomes the turn the room runs, and which requests are refused
// with a 400 that names the field at fault (what the SDK shows as `error.param`).
import { describe, expect, it } from "vitest";
import { CompatError } from "../../worker/compat/errors";
import { parseResponsesCall } from "../../worker/compat/openai-responses";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const minimal = { model: "gpt-5-mini", input: "Hi" };
const call = { type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' };

/** What parseResponsesCall throws for `body` (undefined if it accepts it). */
function refusalOf(body: unknown): unknown {
  try {
    parseResponsesCall(body);
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A 400 invalid_request_error naming `param`. */
function badParam(param: string, message?: RegExp) {
  return expect.objectContaining({
    status: 400,
    type: "invalid_request_error",
    param,
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });
}

describe("parseResponsesCall reads", () => {
  it("a prompt string with the call's settings, and keeps what the response repeats of them", () => {
    const parsed = parseResponsesCall({
      model: "claude-sonnet-4-5",
      input: "What is the weather in Paris?",
      instructions: "Be brief.",
      temperature: 0.3,
      top_p: 0.9,
      max_output_tokens: 500,
      tools: [
        {
          type: "function",
          name: "get_weather",
          description: "Weather",
          parameters: { type: "object" },
          strict: true,
        },
        { type: "function", name: "now", parameters: null, strict: null },
      ],
      tool_choice: { type: "function", name: "get_weather" },
      text: { format: { type: "json_schema", name: "w", schema: { type: "object" } }, verbosity: "low" },
      reasoning: { effort: "medium", summary: "auto" },
      metadata: { job: "nightly" },
      user: "someone@example.com",
      stream: true,
      store: true,
      // Fields clients send by habit, dropped unread.
      include: ["reasoning.encrypted_content"],
      truncation: "auto",
      service_tier: "auto",
      prompt_cache_key: "k",
      parallel_tool_calls: false,
    });
    expect(parsed.input).toEqual({
      model: "claude-sonnet-4-5",
      system: "Be brief.",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      temperature: 0.3,
      maxOutputTokens: 500,
      reasoningEffort: "medium",
      responseFormat: "json",
      tools: [
        { name: "get_weather", description: "Weather", parameters: { type: "object" } },
        { name: "now", description: "", parameters: { type: "object", properties: {} } },
      ],
      toolChoice: { name: "get_weather" },
    });
    expect(parsed).toMatchObject({
      stream: true,
      store: true,
      background: false,
      metadata: { job: "nightly" },
    });
    expect(parsed.previousResponseId).toBeUndefined();
    expect(parsed.settings).toMatchObject({
      instructions: "Be brief.",
      top_p: 0.9,
      parallel_tool_calls: false,
      reasoning: { effort: "medium", summary: "auto" },
      text: { format: { type: "json_schema", name: "w" }, verbosity: "low" },
      tool_choice: { type: "function", name: "get_weather" },
      tools: [
        { type: "function", name: "get_weather", description: "Weather", strict: true },
        { type: "function", name: "now", description: null, parameters: null, strict: null },
      ],
    });
  });

  it("defaults: store on, no streaming, no background, the model's own settings", () => {
    const parsed = parseResponsesCall(minimal);
    expect(parsed).toMatchObject({ stream: false, store: true, background: false });
    expect(parsed.input).toEqual({
      model: "gpt-5-mini",
      system: "",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(parsed.settings).toMatchObject({
      tool_choice: "auto",
      tools: [],
      text: { format: { type: "text" } },
    });
    expect(parseResponsesCall({ ...minimal, store: false, background: true })).toMatchObject({
      store: false,
      background: true,
    });
  });

  it("joins instructions, system and developer messages into the system prompt, in order", () => {
    const parsed = parseResponsesCall({
      ...minimal,
      instructions: "One.",
      input: [
        { role: "system", content: "Two." },
        { type: "message", role: "developer", content: [{ type: "input_text", text: "Three." }] },
        { role: "user", content: "Hi" },
      ],
    });
    expect(parsed.input.system).toBe("One.\n\nTwo.\n\nThree.");
    expect(parsed.input.messages).toEqual([{ role: "user", content: "Hi" }]);
  });

  it("text parts and inline images of a user message", () => {
    const parsed = parseResponsesCall({
      ...minimal,
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is" },
            { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
            { type: "input_text", text: "in this picture?" },
          ],
        },
      ],
    });
    expect(parsed.input.messages).toEqual([
      { role: "user", content: "What is\nin this picture?", images: [{ mimeType: "image/png", data: PNG }] },
    ]);
  });

  it("an earlier output handed back: message and calls as one answer, reasoning dropped, results after", () => {
    const parsed = parseResponsesCall({
      ...minimal,
      input: [
        { role: "user", content: "Weather in Oslo?" },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Think." }] },
        {
          type: "message",
          id: "msg_1",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Let me look.", annotations: [], logprobs: [] }],
        },
        { ...call, id: "fc_1", status: "completed" },
        { type: "function_call_output", call_id: "call_1", output: [{ type: "input_text", text: "-3°C" }] },
        { role: "assistant", content: "It is -3°C." },
        { role: "user", content: "And tomorrow?" },
      ],
    });
    expect(parsed.input.messages).toEqual([
      { role: "user", content: "Weather in Oslo?" },
      {
        role: "assistant",
        content: "Let me look.",
        toolCalls: [{ id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' }],
      },
      { role: "tool", toolCallId: "call_1", content: "-3°C" },
      { role: "assistant", content: "It is -3°C." },
      { role: "user", content: "And tomorrow?" },
    ]);
  });

  it("results alone when they follow a stored response (previous_response_id)", () => {
    const parsed = parseResponsesCall({
      ...minimal,
      previous_response_id: "resp_0b7c2f8e-4d1a-4c3b-9e5f-1a2b3c4d5e6f",
      input: [{ type: "function_call_output", call_id: "call_9", output: "42" }],
    });
    expect(parsed.previousResponseId).toBe("resp_0b7c2f8e-4d1a-4c3b-9e5f-1a2b3c4d5e6f");
    expect(parsed.settings.previous_response_id).toBe(parsed.previousResponseId);
    expect(parsed.input.messages).toEqual([{ role: "tool", toolCallId: "call_9", content: "42" }]);
  });

  it("reasoning effort in Parley's three steps", () => {
    const effort = (value: string) =>
      parseResponsesCall({ ...minimal, reasoning: { effort: value } }).input.reasoningEffort;
    expect(["none", "minimal", "low", "medium", "high", "xhigh"].map(effort)).toEqual([
      undefined,
      "low",
      "low",
      "medium",
      "high",
      "high",
    ]);
  });
});

describe("parseResponsesCall refuses, naming the field", () => {
  it("a body that is not a request", () => {
    expect(refusalOf("hello")).toBeInstanceOf(CompatError);
    expect(refusalOf({ input: "Hi" })).toEqual(badParam("model", /Missing required parameter: 'model'/));
    expect(refusalOf({ model: "gpt-5-mini" })).toEqual(badParam("input"));
    expect(refusalOf({ ...minimal, input: "  " })).toEqual(badParam("input", /empty/));
    expect(refusalOf({ ...minimal, input: [] })).toEqual(badParam("input"));
  });

  it("settings out of range", () => {
    expect(refusalOf({ ...minimal, temperature: 7 })).toEqual(badParam("temperature"));
    expect(refusalOf({ ...minimal, max_output_tokens: 0 })).toEqual(badParam("max_output_tokens"));
    expect(refusalOf({ ...minimal, reasoning: { effort: "extreme" } })).toEqual(badParam("reasoning.effort"));
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, "v"]));
    expect(refusalOf({ ...minimal, metadata: many })).toEqual(badParam("metadata", /at most 16 keys/));
    expect(refusalOf({ ...minimal, metadata: { k: "v".repeat(513) } })).toEqual(badParam("metadata.k"));
    expect(refusalOf({ ...minimal, text: { format: { type: "xml" } } })).toEqual(
      badParam("text.format.type"),
    );
  });

  it("built-in tools, and a tool choice that names no tool", () => {
    expect(refusalOf({ ...minimal, tools: [{ type: "web_search" }] })).toEqual(
      badParam("tools[0].type", /only your functions/),
    );
    const tools = [{ type: "function", name: "get_weather", parameters: {} }];
    expect(refusalOf({ ...minimal, tools, tool_choice: { type: "function", name: "other" } })).toEqual(
      badParam("tool_choice", /"other"/),
    );
    expect(refusalOf({ ...minimal, tool_choice: "required" })).toEqual(badParam("tool_choice"));
    expect(refusalOf({ ...minimal, tools, tool_choice: { type: "web_search_preview" } })).toEqual(
      badParam("tool_choice.type", /only be asked to call your functions/),
    );
  });

  it("conversations and prompt templates kept at OpenAI", () => {
    expect(refusalOf({ ...minimal, conversation: "conv_1" })).toEqual(
      badParam("conversation", /previous_response_id/),
    );
    expect(refusalOf({ ...minimal, prompt: { id: "pmpt_1" } })).toEqual(badParam("prompt"));
  });

  it("images by link or by uploaded file, files and audio, and images outside a prompt", () => {
    const image = (part: unknown, role = "user") => ({ ...minimal, input: [{ role, content: [part] }] });
    expect(refusalOf(image({ type: "input_image", image_url: "https://example.com/cat.png" }))).toEqual(
      expect.objectContaining({ param: "input[0].content[0].image_url", code: "invalid_image_url" }),
    );
    expect(refusalOf(image({ type: "input_image", file_id: "file_1" }))).toEqual(
      badParam("input[0].content[0].image_url", /file_id/),
    );
    expect(refusalOf(image({ type: "input_file", file_data: "x" }))).toEqual(
      badParam("input[0].content[0].type"),
    );
    expect(refusalOf(image({ type: "input_audio", input_audio: {} }))).toEqual(
      badParam("input[0].content[0].type"),
    );
    expect(
      refusalOf({
        ...minimal,
        input: [
          { role: "system", content: [{ type: "input_image", image_url: `data:image/png;base64,${PNG}` }] },
          { role: "user", content: "Hi" },
        ],
      }),
    ).toEqual(badParam("input[0].content[0].type", /Only user messages/));
  });

  it("items Parley cannot read, and a result for a call it never saw", () => {
    expect(refusalOf({ ...minimal, input: [{ type: "web_search_call", id: "ws_1" }] })).toEqual(
      badParam("input[0].type", /"web_search_call" items are not supported/),
    );
    expect(refusalOf({ ...minimal, input: [{ type: "item_reference", id: "msg_1" }] })).toEqual(
      badParam("input[0].type", /previous_response_id/),
    );
    expect(refusalOf({ ...minimal, input: [{ content: "no role" }] })).toEqual(badParam("input[0].type"));
    expect(
      refusalOf({ ...minimal, input: [{ type: "function_call_output", call_id: "call_9", output: "42" }] }),
    ).toEqual(badParam("input[0].call_id", /answers no function_call/));
    expect(
      refusalOf({
        ...minimal,
        input: [
          { ...call, call_id: "" },
          { role: "user", content: "Hi" },
        ],
      }),
    ).toEqual(badParam("input[0].call_id"));
    expect(refusalOf({ ...minimal, input: [{ role: "user", content: [{ type: "input_text" }] }] })).toEqual(
      badParam("input[0].content[0].text"),
    );
    expect(refusalOf({ ...minimal, input: [{ role: "tool", content: "Hi" }] })).toEqual(
      badParam("input[0].role"),
    );
  });

  it("an input that does not end with a prompt or results", () => {
    expect(
      refusalOf({
        ...minimal,
        input: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello" },
        ],
      }),
    ).toEqual(badParam("input", /must end with a user message/));
    expect(refusalOf({ ...minimal, input: [{ role: "user", content: "Hi" }, call] })).toEqual(
      badParam("input"),
    );
    expect(refusalOf({ ...minimal, input: [{ role: "system", content: "Be brief." }] })).toEqual(
      badParam("input"),
    );
    expect(refusalOf({ ...minimal, input: [{ role: "user", content: [] }] })).toEqual(
      badParam("input[0].content", /empty/),
    );
  });
});
