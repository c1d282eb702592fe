// The Responses dialect's event streams and whole responses, read by the real `openai` SDK: its
// requests are parsed by parseResponsesCall and answered by the dialect's writers from a scripted
// answer (compat-responses-harness.ts), so an OpenAI client is seen reading Parley as OpenAI's own.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { ApiTurnEvent } from "../../worker/compat/contract";
import { parseResponsesCall, responsesStream } from "../../worker/compat/openai-responses";
import { done, RESPONSE_ID, responsesClientFor, sseEvents, turnOf, USAGE } from "./compat-responses-harness";

const hello: ApiTurnEvent[] = [
  { type: "text", text: "Hel" },
  { type: "text", text: "lo there" },
  done("stop", USAGE),
];
const ask = { model: "gpt-5-mini", input: "Say hello" };

const wireUsage = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 4 },
  output_tokens: 7,
  output_tokens_details: { reasoning_tokens: 2 },
  total_tokens: 19,
};

describe("streaming", () => {
  it("sends the event sequence of one message, each event named, numbered and tied to its item", async () => {
    const { client, bodies } = responsesClientFor(hello);
    const events = [];
    for await (const event of await client.responses.create({ ...ask, stream: true })) events.push(event);

    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const numbers = events.map((event) => event.sequence_number);
    expect(numbers.every((number, index) => index === 0 || number > numbers[index - 1]!)).toBe(true);
    expect(events[0]).toMatchObject({
      sequence_number: 0,
      response: {
        id: RESPONSE_ID,
        object: "response",
        status: "in_progress",
        output: [],
        model: "gpt-5-mini",
      },
    });
    const added = events[2];
    if (added?.type !== "response.output_item.added") throw new Error("no item");
    expect(added.item).toMatchObject({
      type: "message",
      role: "assistant",
      status: "in_progress",
      content: [],
    });
    expect(added.item.id).toMatch(/^msg_/);
    for (const event of events.slice(3, 8))
      expect(event).toMatchObject({ item_id: added.item.id, output_index: 0 });
    expect(events[3]).toMatchObject({ part: { type: "output_text", text: "", annotations: [] } });
    expect(events[4]).toMatchObject({ delta: "Hel", content_index: 0, logprobs: [] });
    expect(events.at(-1)).toMatchObject({
      type: "response.completed",
      response: {
        status: "completed",
        usage: wireUsage,
        output: [
          {
            id: added.item.id,
            type: "message",
            status: "completed",
            content: [{ type: "output_text", text: "Hello there", annotations: [] }],
          },
        ],
      },
    });
    // The SSE event name is the event's type (Python's SDK and raw readers go by it).
    expect(sseEvents(bodies[0]!).every(({ event, data }) => event === data.type)).toBe(true);
  });

  it("numbers a text delta by where it ends in its part, so an offset maps onto a sequence number", async () => {
    const { client } = responsesClientFor(hello);
    const events = [];
    for await (const event of await client.responses.create({ ...ask, stream: true })) events.push(event);
    const part = events.find((event) => event.type === "response.content_part.added")!;
    const deltas = events.filter((event) => event.type === "response.output_text.delta");
    expect(deltas.map((event) => event.sequence_number - part.sequence_number)).toEqual([3, 11]);
  });

  it("is read whole by responses.stream(): the deltas joined are finalResponse().output_text", async () => {
    const { client, calls } = responsesClientFor(hello);
    const stream = client.responses.stream({ ...ask, instructions: "Be brief." });
    const seen: string[] = [];
    stream.on("response.output_text.delta", (event) => seen.push(event.delta));
    const final = await stream.finalResponse();
    expect(calls[0]?.input).toMatchObject({
      system: "Be brief.",
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(seen.join("")).toBe("Hello there");
    expect(final.output_text).toBe("Hello there");
    expect(final.status).toBe("completed");
    expect(final.instructions).toBe("Be brief.");
    expect(final.usage).toEqual(wireUsage);
  });

  it("streams reasoning as a reasoning item's summary, apart from the answer's text", async () => {
    const { client } = responsesClientFor([
      { type: "reasoning", text: "The user greets; " },
      { type: "reasoning", text: "greet back." },
      { type: "text", text: "Hi!" },
      done("stop", USAGE),
    ]);
    const stream = client.responses.stream({ ...ask, reasoning: { effort: "low", summary: "auto" } });
    const summary: string[] = [];
    stream.on("response.reasoning_summary_text.delta", (event) => summary.push(event.delta));
    const final = await stream.finalResponse();
    expect(summary.join("")).toBe("The user greets; greet back.");
    expect(final.output[0]).toMatchObject({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "The user greets; greet back." }],
    });
    expect(final.output[0]?.id).toMatch(/^rs_/);
    expect(final.output[1]).toMatchObject({ type: "message" });
    expect(final.output_text).toBe("Hi!");
  });

  it("ends cancelled with the text so far when someone presses Stop, and the SDK finishes cleanly", async () => {
    const { client } = responsesClientFor([{ type: "text", text: "Once upon a" }, done("stopped", null)]);
    const final = await client.responses.stream(ask).finalResponse();
    expect(final.status).toBe("cancelled");
    expect(final.output_text).toBe("Once upon a");
    expect(final.output[0]).toMatchObject({ status: "incomplete" });
  });

  it("ends with response.incomplete when the answer hits max_output_tokens", async () => {
    const { client } = responsesClientFor([{ type: "text", text: "This is cut" }, done("length", USAGE)]);
    const types: string[] = [];
    const stream = client.responses.stream({ ...ask, max_output_tokens: 16 });
    stream.on("event", (event) => types.push(event.type));
    const final = await stream.finalResponse();
    expect(types.at(-1)).toBe("response.incomplete");
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(final.max_output_tokens).toBe(16);
    expect(final.output_text).toBe("This is cut");
  });

  it("makes the SDK raise an APIError when the answer fails part-way, after response.failed", async () => {
    const { client, bodies } = responsesClientFor([
      { type: "text", text: "Partial" },
      done("error", null, { code: "upstream_error", message: "OpenAI failed to answer.", retryable: true }),
    ]);
    const received: string[] = [];
    const failure = await (async () => {
      for await (const event of await client.responses.create({ ...ask, stream: true })) {
        if (event.type === "response.output_text.delta") received.push(event.delta);
      }
    })().catch((error: unknown) => error);
    expect(received.join("")).toBe("Partial");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({
      message: "OpenAI failed to answer.",
      type: "server_error",
      code: "upstream_error",
    });

    const wire = sseEvents(bodies[0]!);
    expect(wire.map(({ event }) => event).slice(-2)).toEqual(["response.failed", "error"]);
    expect(wire.at(-2)?.data).toMatchObject({
      response: { status: "failed", error: { code: "upstream_error", message: "OpenAI failed to answer." } },
    });
    // The helper raises too.
    await expect(
      responsesClientFor([done("error", null, { code: "overloaded", message: "Busy.", retryable: true })])
        .client.responses.stream(ask)
        .finalResponse(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it("raises too when the answer's events end without a done event", async () => {
    const { client } = responsesClientFor([{ type: "text", text: "Cut" }]);
    await expect(client.responses.stream(ask).finalResponse()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it("writes the same bytes for the same events (a replay can be byte-equal)", async () => {
    const { settings } = parseResponsesCall(ask);
    const read = () => responsesStream(turnOf(hello), { settings }).text();
    const [first, second] = [await read(), await read()];
    expect(first).toBe(second);
    expect(first.length).toBeGreaterThan(0);
  });

  it("carries the turn's headers and the event-stream headers", async () => {
    const { client } = responsesClientFor(hello);
    const { response } = await client.responses.create({ ...ask, stream: true }).withResponse();
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-parley-conversation")).toBe("conv_1");
    expect(response.headers.get("x-parley-url")).toBe("https://parley.test/c/conv_1");
  });
});

describe("whole responses (stream: false)", () => {
  it("answers one response object that the SDK's output_text reads, equal to the stream's last", async () => {
    const { client, bodies } = responsesClientFor(hello);
    const { data, response } = await client.responses
      .create({ ...ask, metadata: { job: "nightly" }, temperature: 0.5 })
      .withResponse();
    expect(data).toMatchObject({
      id: RESPONSE_ID,
      object: "response",
      created_at: 1_750_000_000,
      status: "completed",
      model: "gpt-5-mini",
      error: null,
      incomplete_details: null,
      metadata: { job: "nightly" },
      temperature: 0.5,
      store: true,
      background: false,
      previous_response_id: null,
      tool_choice: "auto",
      tools: [],
      text: { format: { type: "text" } },
      usage: wireUsage,
    });
    expect(data.output_text).toBe("Hello there");
    expect(response.headers.get("x-parley-conversation")).toBe("conv_1");

    // The same object as the stream's last event carries.
    const streaming = responsesClientFor(hello);
    await streaming.client.responses
      .stream({ ...ask, metadata: { job: "nightly" }, temperature: 0.5 })
      .done();
    const last = sseEvents(streaming.bodies[0]!).at(-1);
    expect(last?.event).toBe("response.completed");
    expect(last?.data.response).toEqual(JSON.parse(bodies[0]!));
  });

  it("answers cancelled with the partial text when someone presses Stop", async () => {
    const { client } = responsesClientFor([{ type: "text", text: "Once upon a" }, done("stopped", null)]);
    const response = await client.responses.create(ask);
    expect(response.status).toBe("cancelled");
    expect(response.output_text).toBe("Once upon a");
    expect(response.usage).toBeNull();
  });

  it("answers a failed answer as a 502 the SDK raises, saying where the partial text is kept", async () => {
    const { client } = responsesClientFor([
      { type: "text", text: "Partial" },
      done("error", null, { code: "upstream_error", message: "OpenAI failed to answer.", retryable: false }),
    ]);
    const failure = await client.responses.create(ask).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failure).toMatchObject({ status: 502, type: "server_error", code: "upstream_error" });
    expect(String(failure)).toContain(`GET /v1/responses/${RESPONSE_ID}`);
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
    const { settings } = parseResponsesCall(ask);
    const turn = { ...turnOf([]), events: events() };
    const reader = responsesStream(turn, { settings }).body?.getReader();
    if (!reader) throw new Error("no body");
    // Past the opening events, into the answer's text.
    for (let read = 0; read < 5; read++) await reader.read();
    await reader.cancel();
    expect(released).toBe(true);
    expect(sent).toBeLessThan(100);
  });
});
