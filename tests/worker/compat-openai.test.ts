// The OpenAI dialect against the real `openai` SDK: the SDK's requests are read by
// parseChatCompletion and answered by the dialect's writers from a scripted answer, so what is
// proven here is that an OpenAI client reads Parley's streams, objects and errors as OpenAI's own.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ApiTurnEvent } from "../../worker/compat/contract";
import { chatCompletionStream, modelList } from "../../worker/compat/openai-chat";
import { DEFAULT_CATALOGUE } from "../../worker/providers/default-models";
import { answerWith, clientFor, done, USAGE } from "./compat-openai-harness";

const hello: ApiTurnEvent[] = [
  { type: "text", text: "Hel" },
  { type: "text", text: "lo there" },
  done("stop", USAGE),
];

const ask = { model: "gpt-5-mini", messages: [{ role: "user" as const, content: "Say hello" }] };

describe("streaming", () => {
  it("streams text, the finish reason and the usage chunk in OpenAI's shape", async () => {
    const { client, calls } = clientFor(hello);
    const stream = await client.chat.completions.create({
      ...ask,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(calls[0]?.input.messages).toEqual([{ role: "user", content: "Say hello" }]);
    expect(chunks[0]).toMatchObject({
      id: "chatcmpl-msg_1",
      object: "chat.completion.chunk",
      created: 1_750_000_000,
      model: "gpt-5-mini",
      system_fingerprint: null,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Hello there");
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 7,
        total_tokens: 19,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
  });

  it("sends no usage chunk unless include_usage asks for it", async () => {
    const { client } = clientFor(hello);
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ ...ask, stream: true }))
      chunks.push(chunk);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it("is read whole by the SDK's stream helper (finalChatCompletion)", async () => {
    const { client } = clientFor(hello);
    const stream = client.chat.completions.stream({ ...ask, stream_options: { include_usage: true } });
    const seen: string[] = [];
    stream.on("content", (delta) => seen.push(delta));
    const final = await stream.finalChatCompletion();
    expect(seen.join("")).toBe("Hello there");
    expect(final.choices[0]?.message.content).toBe("Hello there");
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.usage?.total_tokens).toBe(19);
  });

  it("carries the turn's headers and the event-stream headers", async () => {
    const { client } = clientFor(hello);
    const { response } = await client.chat.completions.create({ ...ask, stream: true }).withResponse();
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-parley-conversation")).toBe("conv_1");
    expect(response.headers.get("x-parley-url")).toBe("https://parley.test/c/conv_1");
  });

  it("ends with finish_reason stop and the text so far when someone presses Stop", async () => {
    const { client } = clientFor([{ type: "text", text: "Once upon a" }, done("stopped", null)]);
    const final = await client.chat.completions.stream(ask).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("Once upon a");
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });

  it("makes the SDK raise an APIError when the answer fails part-way, after the text before it", async () => {
    const { client } = clientFor([
      { type: "text", text: "Partial" },
      done("error", null, {
        code: "upstream_error",
        message: "OpenAI failed to answer. Try again.",
        retryable: true,
      }),
    ]);
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of await client.chat.completions.create({ ...ask, stream: true })) {
        received.push(chunk.choices[0]?.delta.content ?? "");
      }
    })().catch((error: unknown) => error);
    expect(received.join("")).toBe("Partial");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({
      message: "OpenAI failed to answer. Try again.",
      type: "server_error",
      code: "upstream_error",
    });
  });

  it("raises too when the answer's events end without a done event", async () => {
    const { client } = clientFor([{ type: "text", text: "Cut" }]);
    await expect(client.chat.completions.stream(ask).finalChatCompletion()).rejects.toBeInstanceOf(
      OpenAI.APIError,
    );
  });
});

describe("whole answers (stream: false)", () => {
  it("answers one chat.completion object with the usage and the turn's headers", async () => {
    const { client } = clientFor(hello);
    const { data, response } = await client.chat.completions.create(ask).withResponse();
    expect(data).toEqual({
      id: "chatcmpl-msg_1",
      object: "chat.completion",
      created: 1_750_000_000,
      model: "gpt-5-mini",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello there", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 7,
        total_tokens: 19,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
      system_fingerprint: null,
    });
    expect(response.headers.get("x-parley-conversation")).toBe("conv_1");
  });

  it("answers finish_reason stop with the partial text when someone presses Stop", async () => {
    const { client } = clientFor([{ type: "text", text: "Once upon a" }, done("stopped", null)]);
    const completion = await client.chat.completions.create(ask);
    expect(completion.choices[0]?.message.content).toBe("Once upon a");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toBeUndefined();
  });

  it("answers a failed answer as a 502 the SDK raises, saying where the partial text is kept", async () => {
    const { client } = clientFor([
      { type: "text", text: "Partial" },
      done("error", null, { code: "upstream_error", message: "OpenAI failed to answer.", retryable: false }),
    ]);
    const failure = await client.chat.completions.create(ask).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failure).toMatchObject({ status: 502, type: "server_error", code: "upstream_error" });
    expect(String(failure)).toContain("https://parley.test/c/conv_1");
  });

  it("answers a prompt too long for the model as a 400 context_length_exceeded", async () => {
    const { client } = clientFor([
      done("error", null, { code: "context_too_long", message: "Too long.", retryable: false }),
    ]);
    const failure = await client.chat.completions.create(ask).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect(failure).toMatchObject({ code: "context_length_exceeded" });
  });
});

const weather: ApiTurnEvent[] = [
  { type: "text", text: "Let me look." },
  { type: "tool_call", call: { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' } },
  { type: "tool_call", call: { id: "call_2", name: "get_weather", arguments: '{"city":"Oslo"}' } },
  done("tool_calls", USAGE),
];
const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("tool calls", () => {
  const expected = [
    { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
  ];

  it("come back as the SDK's tool_calls when streamed", async () => {
    const { client } = clientFor(weather);
    const final = await client.chat.completions
      .stream({ ...ask, tools: [weatherTool] })
      .finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.content).toBe("Let me look.");
    expect(final.choices[0]?.message.tool_calls).toMatchObject(expected);
  });

  it("come back as the SDK's tool_calls in a whole answer, and their results are read back", async () => {
    const { client, calls } = clientFor(weather);
    const completion = await client.chat.completions.create({ ...ask, tools: [weatherTool] });
    const message = completion.choices[0]?.message;
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(message?.tool_calls).toEqual(expected);
    if (!message) throw new Error("no message");

    await client.chat.completions.create({
      ...ask,
      tools: [weatherTool],
      messages: [
        ...ask.messages,
        message,
        { role: "tool", tool_call_id: "call_1", content: "18°C" },
        { role: "tool", tool_call_id: "call_2", content: "4°C" },
      ],
    });
    expect(calls[1]?.input.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "Let me look.",
        toolCalls: [
          { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { id: "call_2", name: "get_weather", arguments: '{"city":"Oslo"}' },
        ],
      },
      { role: "tool", toolCallId: "call_1", content: "18°C" },
      { role: "tool", toolCallId: "call_2", content: "4°C" },
    ]);
  });
});

describe("JSON mode and reasoning", () => {
  it("answers JSON the SDK's parse() reads", async () => {
    const { client, calls } = clientFor([
      { type: "text", text: '{"city":"Paris","celsius":18}' },
      done("stop", USAGE),
    ]);
    const completion = await client.chat.completions.parse({
      ...ask,
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather", schema: { type: "object" } },
      },
    });
    expect(calls[0]?.input.responseFormat).toBe("json");
    expect(completion.choices[0]?.message.parsed).toEqual({ city: "Paris", celsius: 18 });
  });

  const thinking: ApiTurnEvent[] = [
    { type: "reasoning", text: "The user greets; " },
    { type: "reasoning", text: "greet back." },
    { type: "text", text: "Hi!" },
    done("stop", USAGE),
  ];
  const reasoningOf = (value: unknown) =>
    z.object({ reasoning_content: z.string() }).safeParse(value).data?.reasoning_content ?? "";

  it("streams reasoning as reasoning_content deltas", async () => {
    const { client, calls } = clientFor(thinking);
    let reasoning = "";
    let text = "";
    for await (const chunk of await client.chat.completions.create({
      ...ask,
      reasoning_effort: "minimal",
      stream: true,
    })) {
      reasoning += reasoningOf(chunk.choices[0]?.delta);
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(calls[0]?.input.reasoningEffort).toBe("low");
    expect(reasoning).toBe("The user greets; greet back.");
    expect(text).toBe("Hi!");
  });

  it("puts the reasoning in reasoning_content of a whole answer", async () => {
    const { client } = clientFor(thinking);
    const completion = await client.chat.completions.create(ask);
    expect(reasoningOf(completion.choices[0]?.message)).toBe("The user greets; greet back.");
    expect(completion.choices[0]?.message.content).toBe("Hi!");
  });
});

describe("a client that goes away", () => {
  it("releases the turn's events (the room stops sending to it) but does not end them itself", async () => {
    let released = false;
    let sent = 0;
    async function* events(): AsyncGenerator<ApiTurnEvent> {
      try {
        for (; sent < 100; sent++) yield { type: "text", text: "word " };
        yield done("stop", null);
      } finally {
        released = true;
      }
    }
    const reader = chatCompletionStream(answerWith(events()), { includeUsage: false }).body?.getReader();
    if (!reader) throw new Error("no body");
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(released).toBe(true);
    expect(sent).toBeLessThan(100);
  });
});

describe("the model list", () => {
  it("is read by the SDK's models.list() as the catalogue, each with its provider as owner", async () => {
    const models = DEFAULT_CATALOGUE.filter((model) =>
      ["gpt-5-mini", "claude-sonnet-4-5"].includes(model.id),
    );
    const client = new OpenAI({
      apiKey: "pk_live_x",
      baseURL: "http://compat.test/v1",
      fetch: async () => Response.json(modelList(models)),
    });
    const listed = [];
    for await (const model of client.models.list()) listed.push(model);
    expect(listed).toEqual([
      { id: "gpt-5-mini", object: "model", created: 0, owned_by: "openai" },
      { id: "claude-sonnet-4-5", object: "model", created: 0, owned_by: "anthropic" },
    ]);
  });
});
