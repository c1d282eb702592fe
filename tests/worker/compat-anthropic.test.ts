// The Anthropic Messages dialect, driven by the real @anthropic-ai/sdk (compat-anthropic-client.ts):
// what the SDK makes of Parley's answers (text, thinking, tool inputs, stop reasons, failures) is
// what a developer pointing the SDK at Parley gets.
import { APIError, InternalServerError, OverloadedError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { messagesStream } from "../../worker/compat/anthropic-messages";
import type { ApiTurnEvent } from "../../worker/compat/contract";
import { ASK, done, failed, parley, play, turnOf } from "./compat-anthropic-client";

describe("streaming with the SDK", () => {
  it("messages.stream() emits the text as it comes and finalMessage() holds the whole answer", async () => {
    const { client, calls } = parley([
      { type: "text", text: "Hello" },
      { type: "text", text: " there" },
      done(),
    ]);
    const stream = client.messages.stream({ ...ASK, system: "Be brief." });
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toEqual(["Hello", " there"]);
    expect(message).toMatchObject({
      id: "msg_m1",
      model: "gemini-2.5-flash",
      role: "assistant",
      content: [{ type: "text", text: "Hello there" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 30, cache_read_input_tokens: 20 },
    });
    expect(calls[0]?.input).toMatchObject({
      model: "gemini-2.5-flash",
      system: "Be brief.",
      maxOutputTokens: 1024,
    });
  });

  it("create({stream: true}) yields Anthropic's event sequence with increasing block indexes", async () => {
    const { client } = parley([
      { type: "reasoning", text: "Thinking it over" },
      { type: "text", text: "Hi" },
      { type: "tool_call", call: { id: "toolu_1", name: "lookup", arguments: '{"q":"x"}' } },
      done("tool_calls"),
    ]);
    const { data: stream, response } = await client.messages.create({ ...ASK, stream: true }).withResponse();
    const seen: string[] = [];
    for await (const event of stream) {
      const index = "index" in event ? `:${event.index}` : "";
      const detail =
        event.type === "content_block_start"
          ? `:${event.content_block.type}`
          : event.type === "content_block_delta"
            ? `:${event.delta.type}`
            : "";
      seen.push(`${event.type}${index}${detail}`);
    }
    expect(seen).toEqual([
      "message_start",
      "content_block_start:0:thinking",
      "content_block_delta:0:thinking_delta",
      "content_block_stop:0",
      "content_block_start:1:text",
      "content_block_delta:1:text_delta",
      "content_block_stop:1",
      "content_block_start:2:tool_use",
      "content_block_delta:2:input_json_delta",
      "content_block_stop:2",
      "message_delta",
      "message_stop",
    ]);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-parley-conversation")).toBe("conv1");
  });

  it("thinking streams as a thinking block before the text", async () => {
    const { client, calls } = parley([
      { type: "reasoning", text: "First, " },
      { type: "reasoning", text: "greet." },
      { type: "text", text: "Hello!" },
      done(),
    ]);
    const stream = client.messages.stream({ ...ASK, thinking: { type: "enabled", budget_tokens: 8000 } });
    const thoughts: string[] = [];
    stream.on("thinking", (delta) => thoughts.push(delta));
    const message = await stream.finalMessage();
    expect(thoughts).toEqual(["First, ", "greet."]);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "First, greet.", signature: "" },
      { type: "text", text: "Hello!" },
    ]);
    expect(calls[0]?.input.reasoningEffort).toBe("medium");
  });

  it("tool calls arrive as tool_use blocks whose input the SDK parses into objects", async () => {
    const { client } = parley([
      { type: "text", text: "Let me check." },
      { type: "tool_call", call: { id: "toolu_a", name: "weather", arguments: '{"city":"Oslo","days":2}' } },
      { type: "tool_call", call: { id: "toolu_b", name: "time", arguments: "{}" } },
      done("tool_calls"),
    ]);
    const message = await client.messages
      .stream({
        ...ASK,
        tools: [
          { name: "weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
        ],
      })
      .finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "toolu_a", name: "weather", input: { city: "Oslo", days: 2 } },
      { type: "tool_use", id: "toolu_b", name: "time", input: {} },
    ]);
  });

  it("Stop pressed in a browser ends the stream normally with the text so far", async () => {
    const { client } = parley([{ type: "text", text: "Once upon a" }, done("stopped")]);
    const message = await client.messages.stream(ASK).finalMessage();
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content).toEqual([{ type: "text", text: "Once upon a" }]);
  });

  it("a reply cut at the output limit reports max_tokens", async () => {
    const { client } = parley([{ type: "text", text: "Long" }, done("length")]);
    const message = await client.messages.stream(ASK).finalMessage();
    expect(message.stop_reason).toBe("max_tokens");
  });

  it("an answer that fails part-way raises in the SDK after the text so far", async () => {
    const { client } = parley([
      { type: "text", text: "Partial" },
      failed("overloaded", "Gemini is overloaded right now. Try again in a moment."),
    ]);
    const stream = client.messages.stream(ASK);
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({
      type: "overloaded_error",
      apiMessage: "Gemini is overloaded right now. Try again in a moment.",
    });
    expect(texts).toEqual(["Partial"]);
  });

  it("a turn whose events break off raises an api_error instead of ending quietly", async () => {
    const { client } = parley([{ type: "text", text: "Partial" }, done()], { breakAfter: 1 });
    const error = await client.messages
      .stream(ASK)
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ type: "api_error" });
  });
});

describe("the raw stream", () => {
  it("opens with message_start and a ping and ends with message_stop, in SSE's event/data framing", async () => {
    const response = messagesStream(turnOf(play([{ type: "text", text: "Hi" }, done()])));
    const text = await response.text();
    expect(text).toMatch(/^event: message_start\ndata: \{"type":"message_start","message":\{"id":"msg_m1",/);
    expect(text).toContain('\n\nevent: ping\ndata: {"type":"ping"}\n\n');
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-parley-conversation")).toBe("conv1");
  });

  it("a client that goes away releases the turn's events at once, without waiting for the answer", async () => {
    let released = false;
    let sent = false;
    const events: AsyncIterator<ApiTurnEvent> = {
      next: () => {
        // One delta, then an answer that goes on and on.
        if (sent) return new Promise(() => {});
        sent = true;
        return Promise.resolve({ done: false, value: { type: "text", text: "a" } });
      },
      return: async () => {
        released = true;
        return { done: true, value: undefined };
      },
    };
    const body = messagesStream(turnOf({ [Symbol.asyncIterator]: () => events })).body;
    if (!body) throw new Error("no body");
    const reader = body.getReader();
    await reader.read();
    await reader.cancel();
    expect(released).toBe(true);
  });
});

describe("non-streaming with the SDK", () => {
  it("create() returns one message with text, tool inputs, stop reason, usage and Parley's headers", async () => {
    const { client } = parley([
      { type: "reasoning", text: "Hmm." },
      { type: "text", text: "Calling" },
      { type: "text", text: " now." },
      { type: "tool_call", call: { id: "toolu_z", name: "search", arguments: '{"q":"cats"}' } },
      done("tool_calls"),
    ]);
    const { data: message, response } = await client.messages.create(ASK).withResponse();
    expect(message).toEqual({
      id: "msg_m1",
      type: "message",
      role: "assistant",
      model: "gemini-2.5-flash",
      content: [
        { type: "thinking", thinking: "Hmm.", signature: "" },
        { type: "text", text: "Calling now." },
        { type: "tool_use", id: "toolu_z", name: "search", input: { q: "cats" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 30, cache_read_input_tokens: 20 },
    });
    expect(response.headers.get("x-parley-url")).toBe("http://parley.test/c/conv1");
  });

  it("a stopped answer is a complete message with the partial text", async () => {
    const { client } = parley([{ type: "text", text: "Half an ans" }, done("stopped")]);
    const message = await client.messages.create(ASK);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content).toEqual([{ type: "text", text: "Half an ans" }]);
  });

  it("a failed answer raises the SDK's error for its status, even after some text", async () => {
    const overloaded = parley([{ type: "text", text: "Par" }, failed("overloaded", "Busy upstream.")]);
    await expect(overloaded.client.messages.create(ASK)).rejects.toBeInstanceOf(OverloadedError);
    const broken = parley([failed("upstream_error", "OpenAI failed to answer. Try again.")]);
    const error = await broken.client.messages.create(ASK).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, type: "api_error" });
  });
});
