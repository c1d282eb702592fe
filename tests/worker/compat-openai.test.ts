// The OpenAI dialect's streams, whole answers and model list, read by the real `openai` SDK: its
// requests are parsed by parseChatCompletion and answered by the dialect's writers from a scripted
// answer (compat-openai-harness.ts), so an OpenAI client is seen reading Parley as OpenAI's own.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
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
