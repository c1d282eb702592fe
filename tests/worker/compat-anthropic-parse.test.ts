// What an Anthropic Messages call becomes for the room, field by field, and the calls Parley
// refuses with a 400 whose message names the field (Anthropic's errors have no `param`).
import { describe, expect, it } from "vitest";
import { parseMessagesCall } from "../../worker/compat/anthropic-messages";
import { CompatError } from "../../worker/compat/errors";

const BASE = { model: "claude-sonnet-4-5", max_tokens: 512, messages: [{ role: "user", content: "Hi" }] };
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function refusal(body: unknown): CompatError {
  try {
    parseMessagesCall(body);
  } catch (error) {
    if (error instanceof CompatError) return error;
    throw error;
  }
  throw new Error("the call was accepted");
}

describe("parseMessagesCall", () => {
  it("reads model, max_tokens, temperature, stop sequences and stream, ignoring what Parley has no use for", () => {
    const parsed = parseMessagesCall({
      ...BASE,
      temperature: 0.3,
      stop_sequences: ["END"],
      stream: true,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: "u-1" },
      service_tier: "auto",
    });
    expect(parsed).toEqual({
      stream: true,
      input: {
        model: "claude-sonnet-4-5",
        system: "",
        messages: [{ role: "user", content: "Hi" }],
        maxOutputTokens: 512,
        temperature: 0.3,
        stop: ["END"],
      },
    });
    expect(parseMessagesCall(BASE).stream).toBe(false);
  });

  it("joins a system prompt given as text blocks", () => {
    const blocks = [
      { type: "text", text: "You are terse." },
      { type: "text", text: "Answer in French.", cache_control: { type: "ephemeral" } },
    ];
    expect(parseMessagesCall({ ...BASE, system: blocks }).input.system).toBe(
      "You are terse.\n\nAnswer in French.",
    );
    expect(parseMessagesCall({ ...BASE, system: "Plain." }).input.system).toBe("Plain.");
  });

  it("keeps user text blocks and base64 images together in one user message", () => {
    const content = [
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
      { type: "text", text: "What is this?" },
      { type: "text", text: "Be precise." },
    ];
    expect(parseMessagesCall({ ...BASE, messages: [{ role: "user", content }] }).input.messages).toEqual([
      {
        role: "user",
        content: "What is this?\n\nBe precise.",
        images: [{ mimeType: "image/png", data: PNG }],
      },
    ]);
  });

  it("turns tool_use into tool calls and tool_result into tool messages before the user's text", () => {
    const messages = [
      { role: "user", content: "Weather in Oslo and Rome?" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Two lookups.", signature: "sig" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Oslo" } },
          { type: "tool_use", id: "toolu_2", name: "weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "Also, thanks." },
          { type: "tool_result", tool_use_id: "toolu_1", content: "Rain" },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            content: [{ type: "text", text: "Sun" }],
            is_error: false,
          },
        ],
      },
    ];
    expect(parseMessagesCall({ ...BASE, messages }).input.messages).toEqual([
      { role: "user", content: "Weather in Oslo and Rome?" },
      {
        role: "assistant",
        content: "Checking.",
        toolCalls: [
          { id: "toolu_1", name: "weather", arguments: '{"city":"Oslo"}' },
          { id: "toolu_2", name: "weather", arguments: '{"city":"Rome"}' },
        ],
      },
      { role: "tool", toolCallId: "toolu_1", content: "Rain" },
      { role: "tool", toolCallId: "toolu_2", content: "Sun" },
      { role: "user", content: "Also, thanks." },
    ]);
  });

  it("a user turn of tool results only adds no empty user message", () => {
    const messages = [
      { role: "user", content: "Go" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "run", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1" }] },
    ];
    expect(parseMessagesCall({ ...BASE, messages }).input.messages.at(-1)).toEqual({
      role: "tool",
      toolCallId: "t1",
      content: "",
    });
  });

  it("reads the client's tools and each tool_choice", () => {
    const tools = [
      {
        name: "get_weather",
        description: "Weather by city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        cache_control: { type: "ephemeral" },
      },
      { type: "custom", name: "now", input_schema: { type: "object" } },
    ];
    const parsed = parseMessagesCall({ ...BASE, tools, tool_choice: { type: "auto" } }).input;
    expect(parsed.tools).toEqual([
      {
        name: "get_weather",
        description: "Weather by city",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      { name: "now", description: "", parameters: { type: "object" } },
    ]);
    expect(parsed.toolChoice).toBe("auto");
    const choice = (tool_choice: unknown) =>
      parseMessagesCall({ ...BASE, tools, tool_choice }).input.toolChoice;
    expect(choice({ type: "any", disable_parallel_tool_use: true })).toBe("required");
    expect(choice({ type: "none" })).toBe("none");
    expect(choice({ type: "tool", name: "now" })).toEqual({ name: "now" });
  });

  it("sizes reasoning effort from the thinking budget", () => {
    const effort = (thinking: unknown, extra: object = {}) =>
      parseMessagesCall({ ...BASE, max_tokens: 32_000, thinking, ...extra }).input.reasoningEffort;
    expect(effort({ type: "enabled", budget_tokens: 1024 })).toBe("low");
    expect(effort({ type: "enabled", budget_tokens: 4096 })).toBe("medium");
    expect(effort({ type: "enabled", budget_tokens: 16_384 })).toBe("high");
    expect(effort({ type: "disabled" })).toBeUndefined();
    expect(effort({ type: "adaptive" })).toBe("medium");
    expect(effort({ type: "adaptive" }, { output_config: { effort: "max" } })).toBe("high");
    expect(effort(undefined)).toBeUndefined();
  });
});

describe("parseMessagesCall refusals", () => {
  const cases: [string, unknown, RegExp][] = [
    ["a body that is not an object", [], /^body: /],
    [
      "no max_tokens (Anthropic requires it)",
      { model: "m", messages: BASE.messages },
      /^max_tokens: Field required/,
    ],
    ["no model", { max_tokens: 5, messages: BASE.messages }, /^model: Field required/],
    ["no messages", { ...BASE, messages: [] }, /^messages: /],
    [
      "a system role in messages",
      { ...BASE, messages: [{ role: "system", content: "x" }] },
      /^messages\.0\.role: /,
    ],
    ["empty content", { ...BASE, messages: [{ role: "user", content: "" }] }, /^messages\.0\.content: /],
    ["a temperature above 1", { ...BASE, temperature: 1.2 }, /^temperature: /],
    [
      "a thinking budget under 1024",
      { ...BASE, thinking: { type: "enabled", budget_tokens: 500 } },
      /^thinking\.budget_tokens: /,
    ],
    ["an unknown thinking type", { ...BASE, thinking: { type: "deep" } }, /^thinking/],
    [
      "structured outputs",
      { ...BASE, output_config: { format: { type: "json_schema", schema: {} } } },
      /^output_config\.format: /,
    ],
    [
      "an image by URL",
      {
        ...BASE,
        messages: [
          { role: "user", content: [{ type: "image", source: { type: "url", url: "https://x/y.png" } }] },
        ],
      },
      /^messages\.0\.content\.0\.source\.type: .*base64/,
    ],
    [
      "an image of an unsupported type",
      {
        ...BASE,
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/bmp", data: PNG } }],
          },
        ],
      },
      /^messages\.0\.content\.0\.source\.media_type: /,
    ],
    [
      "a document block",
      {
        ...BASE,
        messages: [{ role: "user", content: [{ type: "document", source: { type: "text", data: "x" } }] }],
      },
      /^messages\.0\.content\.0\.type: .*"document"/,
    ],
    [
      "an image inside a tool result",
      {
        ...BASE,
        messages: [
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "image" }] }],
          },
        ],
      },
      /^messages\.0\.content\.0\.content\.0\.type: /,
    ],
    [
      "a tool_use without input",
      {
        ...BASE,
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t", name: "x" }] },
          { role: "user", content: "ok" },
        ],
      },
      /^messages\.0\.content\.0\.input: Field required/,
    ],
    [
      "a prefilled assistant answer last",
      { ...BASE, messages: [...BASE.messages, { role: "assistant", content: "Sure," }] },
      /^messages\.1\.role: .*prefilled/,
    ],
    [
      "a server tool",
      { ...BASE, tools: [{ type: "web_search_20250305", name: "web_search" }] },
      /^tools\.0\.type: .*web_search_20250305/,
    ],
    [
      "a tool without input_schema",
      { ...BASE, tools: [{ name: "x" }] },
      /^tools\.0\.input_schema: Field required/,
    ],
    [
      "a tool with a bad name",
      { ...BASE, tools: [{ name: "has space", input_schema: { type: "object" } }] },
      /^tools\.0\.name: /,
    ],
    [
      "tool_choice naming no tool",
      {
        ...BASE,
        tools: [{ name: "a", input_schema: { type: "object" } }],
        tool_choice: { type: "tool", name: "b" },
      },
      /^tool_choice\.name: No tool named "b"/,
    ],
    ["tool_choice any without tools", { ...BASE, tool_choice: { type: "any" } }, /^tool_choice\.type: /],
    ["a stream flag that is not a boolean", { ...BASE, stream: "yes" }, /^stream: /],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses ${what}`, () => {
      const error = refusal(body);
      expect(error).toMatchObject({ status: 400, type: "invalid_request_error" });
      expect(error.message).toMatch(message);
    });
  }
});
