// How an OpenAI Chat Completions request becomes the turn the room runs, and which requests are
// refused with a 400 that names the field at fault (what the SDK shows as `error.param`).
import { describe, expect, it } from "vitest";
import { CompatError } from "../../worker/compat/errors";
import { parseChatCompletion } from "../../worker/compat/openai-chat";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const user = (content: unknown) => ({ role: "user", content });
const minimal = { model: "gpt-5-mini", messages: [user("Hi")] };

/** What parseChatCompletion throws for `body` (undefined if it accepts it). */
function refusalOf(body: unknown): unknown {
  try {
    parseChatCompletion(body);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("parseChatCompletion reads", () => {
  it("every field Parley acts on", () => {
    const parsed = parseChatCompletion({
      model: "claude-sonnet-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        user("What is the weather in Paris?"),
      ],
      temperature: 0.3,
      max_tokens: 99,
      max_completion_tokens: 500,
      stop: ["\n\n", "END"],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather",
            parameters: { type: "object" },
            strict: true,
          },
        },
        { type: "function", function: { name: "now" } },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      response_format: { type: "json_object" },
      reasoning_effort: "medium",
      user: "someone@example.com",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed).toEqual({
      stream: true,
      includeUsage: true,
      input: {
        model: "claude-sonnet-4-5",
        system: "Be brief.\n\nAnswer in French.",
        messages: [{ role: "user", content: "What is the weather in Paris?" }],
        temperature: 0.3,
        maxOutputTokens: 500,
        stop: ["\n\n", "END"],
        tools: [
          { name: "get_weather", description: "Weather", parameters: { type: "object" } },
          { name: "now", description: "", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: { name: "get_weather" },
        responseFormat: "json",
        reasoningEffort: "medium",
      },
    });
  });

  it("a minimal request as no options at all", () => {
    expect(parseChatCompletion(minimal)).toEqual({
      stream: false,
      includeUsage: false,
      input: { model: "gpt-5-mini", system: "", messages: [{ role: "user", content: "Hi" }] },
    });
  });

  it("nulls and the fields clients send by habit as if they were left out", () => {
    const parsed = parseChatCompletion({
      ...minimal,
      temperature: null,
      max_tokens: null,
      stop: null,
      tools: null,
      tool_choice: null,
      response_format: null,
      reasoning_effort: null,
      stream: null,
      stream_options: null,
      n: 1,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: 0.1,
      seed: 42,
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { "50256": -100 },
      metadata: { run: "nightly" },
      store: false,
      parallel_tool_calls: true,
      service_tier: "auto",
      modalities: ["text"],
    });
    expect(parsed).toEqual(parseChatCompletion(minimal));
  });

  it("max_tokens when max_completion_tokens is absent, and a single stop string", () => {
    const { input } = parseChatCompletion({ ...minimal, max_tokens: 64, stop: "###" });
    expect(input.maxOutputTokens).toBe(64);
    expect(input.stop).toEqual(["###"]);
  });

  it("include_usage only for a streamed call", () => {
    expect(parseChatCompletion({ ...minimal, stream_options: { include_usage: true } }).includeUsage).toBe(
      false,
    );
  });

  it.each([
    ["minimal", "low"],
    ["low", "low"],
    ["medium", "medium"],
    ["high", "high"],
    ["xhigh", "high"],
    ["none", undefined],
  ])("reasoning_effort %s as %s", (effort, expected) => {
    expect(parseChatCompletion({ ...minimal, reasoning_effort: effort }).input.reasoningEffort).toBe(
      expected,
    );
  });

  it.each([
    [{ type: "text" }, undefined],
    [{ type: "json_object" }, "json"],
    [
      { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
      "json",
    ],
  ])("response_format %j as %s", (format, expected) => {
    expect(parseChatCompletion({ ...minimal, response_format: format }).input.responseFormat).toBe(expected);
  });

  it.each(["auto", "none", "required"])("tool_choice %s", (choice) => {
    const tools = [{ type: "function", function: { name: "now" } }];
    expect(parseChatCompletion({ ...minimal, tools, tool_choice: choice }).input.toolChoice).toBe(choice);
  });

  it("text and inline image parts of a user message", () => {
    const { input } = parseChatCompletion({
      ...minimal,
      messages: [
        user([
          { type: "text", text: "What is in" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "low" } },
          { type: "text", text: "this picture?" },
        ]),
      ],
    });
    expect(input.messages).toEqual([
      { role: "user", content: "What is in\nthis picture?", images: [{ mimeType: "image/png", data: PNG }] },
    ]);
  });

  it("an assistant turn with null content and tool calls, then the tool's result", () => {
    const { input } = parseChatCompletion({
      ...minimal,
      messages: [
        user("Time?"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_9", type: "function", function: { name: "now", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_9", content: [{ type: "text", text: "12:00" }] },
      ],
    });
    expect(input.messages.slice(1)).toEqual([
      { role: "assistant", content: "", toolCalls: [{ id: "call_9", name: "now", arguments: "{}" }] },
      { role: "tool", toolCallId: "call_9", content: "12:00" },
    ]);
  });
});

const call = { id: "call_1", type: "function", function: { name: "now", arguments: "{}" } };

describe("parseChatCompletion refuses, naming the field", () => {
  it.each([
    ["a body that is not an object", "hello", null],
    ["no model", { messages: [user("Hi")] }, "model"],
    ["no messages", { model: "m", messages: [] }, "messages"],
    ["an unknown role", { model: "m", messages: [{ role: "function", content: "x" }] }, "messages[0].role"],
    ["content of the wrong type", { model: "m", messages: [user(5)] }, "messages[0].content"],
    [
      "a text part without text",
      { model: "m", messages: [user([{ type: "text", text: 3 }])] },
      "messages[0].content[0].text",
    ],
    [
      "an audio part",
      { model: "m", messages: [user([{ type: "input_audio", input_audio: {} }])] },
      "messages[0].content[0].type",
    ],
    ["a temperature above 2", { ...minimal, temperature: 3 }, "temperature"],
    ["a temperature that is not a number", { ...minimal, temperature: "hot" }, "temperature"],
    ["max_tokens of 0", { ...minimal, max_tokens: 0 }, "max_tokens"],
    [
      "max_completion_tokens that is not an integer",
      { ...minimal, max_completion_tokens: 1.5 },
      "max_completion_tokens",
    ],
    ["five stop sequences", { ...minimal, stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["n of 2", { ...minimal, n: 2 }, "n"],
    [
      "a tool that is not a function",
      { ...minimal, tools: [{ type: "custom", custom: { name: "x" } }] },
      "tools[0].type",
    ],
    [
      "a tool name with spaces",
      { ...minimal, tools: [{ type: "function", function: { name: "get weather" } }] },
      "tools[0].function.name",
    ],
    [
      "a tool_choice naming no tool",
      {
        ...minimal,
        tools: [{ type: "function", function: { name: "now" } }],
        tool_choice: { type: "function", function: { name: "later" } },
      },
      "tool_choice",
    ],
    ["tool_choice required without tools", { ...minimal, tool_choice: "required" }, "tool_choice"],
    ["an unknown tool_choice", { ...minimal, tool_choice: "always" }, "tool_choice"],
    [
      "a tool result for no call",
      { model: "m", messages: [user("Hi"), { role: "tool", tool_call_id: "call_x", content: "1" }] },
      "messages[1].tool_call_id",
    ],
    [
      "a tool call of another type",
      {
        model: "m",
        messages: [
          user("Hi"),
          { role: "assistant", tool_calls: [{ ...call, type: "custom" }] },
          { role: "tool", tool_call_id: "call_1", content: "1" },
        ],
      },
      "messages[1].tool_calls[0].type",
    ],
    [
      "a conversation ending on the assistant",
      { model: "m", messages: [user("Hi"), { role: "assistant", content: "Hello" }] },
      "messages",
    ],
    [
      "only a system message",
      { model: "m", messages: [{ role: "system", content: "Be brief." }] },
      "messages",
    ],
    ["an empty last user message", { model: "m", messages: [user("  ")] }, "messages[0].content"],
    ["an unknown reasoning_effort", { ...minimal, reasoning_effort: "extreme" }, "reasoning_effort"],
    ["an unknown response_format", { ...minimal, response_format: { type: "xml" } }, "response_format.type"],
    ["audio output", { ...minimal, modalities: ["text", "audio"] }, "modalities[1]"],
    ["the deprecated functions", { ...minimal, functions: [{ name: "now" }] }, "functions"],
    ["stream that is not a boolean", { ...minimal, stream: "yes" }, "stream"],
  ])("%s", (_what, body, param) => {
    const refusal = refusalOf(body);
    expect(refusal).toBeInstanceOf(CompatError);
    expect(refusal).toMatchObject({ status: 400, type: "invalid_request_error", param });
  });

  const image = (url: string) => ({
    model: "m",
    messages: [
      user([
        { type: "text", text: "Look" },
        { type: "image_url", image_url: { url } },
      ]),
    ],
  });
  it.each([
    ["a link", "https://example.com/cat.png", /data URL/],
    ["a PDF", `data:application/pdf;base64,${PNG}`, /PNG, JPEG, WebP or GIF/],
    ["bytes not in base64", "data:image/png,%89PNG", /base64/],
    ["broken base64", "data:image/png;base64,not*base64", /base64/],
  ])("an image sent as %s", (_what, url, message) => {
    const refusal = refusalOf(image(url));
    expect(refusal).toBeInstanceOf(CompatError);
    expect(refusal).toMatchObject({ status: 400, param: "messages[0].content[1].image_url.url" });
    expect(String(refusal)).toMatch(message);
  });
});
