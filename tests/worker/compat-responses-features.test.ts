// Function calls and structured output through the Responses dialect, read by the real `openai`
// SDK (see compat-responses-harness.ts): what an agent loop or a structured-output script relies on.
import type OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ApiTurnEvent } from "../../worker/compat/contract";
import { done, responsesClientFor, sseEvents, USAGE } from "./compat-responses-harness";

const ask = { model: "gpt-5-mini", input: "What is the weather in Paris and Oslo?" };
const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "The weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};
const weather: ApiTurnEvent[] = [
  { type: "text", text: "Let me look." },
  { type: "tool_call", call: { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' } },
  { type: "tool_call", call: { id: "call_2", name: "get_weather", arguments: '{"city":"Oslo"}' } },
  done("tool_calls", USAGE),
];

describe("function calls", () => {
  it("stream as function_call items with their arguments, after the text before them", async () => {
    const { client, calls, bodies } = responsesClientFor(weather);
    const stream = client.responses.stream({ ...ask, tools: [weatherTool], tool_choice: "required" });
    const argumentDeltas: string[] = [];
    stream.on("response.function_call_arguments.delta", (event) => argumentDeltas.push(event.delta));
    const final = await stream.finalResponse();

    expect(calls[0]?.input.tools).toEqual([
      { name: "get_weather", description: "The weather in a city", parameters: weatherTool.parameters },
    ]);
    expect(calls[0]?.input.toolChoice).toBe("required");
    expect(final.status).toBe("completed");
    expect(final.output_text).toBe("Let me look.");
    expect(final.output.map((item) => item.type)).toEqual(["message", "function_call", "function_call"]);
    expect(final.output.slice(1)).toMatchObject([
      {
        type: "function_call",
        status: "completed",
        call_id: "call_1",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
      },
      {
        type: "function_call",
        status: "completed",
        call_id: "call_2",
        name: "get_weather",
        arguments: '{"city":"Oslo"}',
      },
    ]);
    expect(final.output[1]?.id).toMatch(/^fc_/);
    expect(argumentDeltas).toEqual(['{"city":"Paris"}', '{"city":"Oslo"}']);
    expect(final.tools).toMatchObject([{ type: "function", name: "get_weather", strict: false }]);
    // Each item is finished before the next one starts.
    const items = sseEvents(bodies[0]!)
      .filter(({ event }) => event.startsWith("response.output_item."))
      .map(
        ({ event, data }) =>
          `${event.slice("response.output_item.".length)} ${(data.item as { type: string }).type}`,
      );
    expect(items).toEqual([
      "added message",
      "done message",
      "added function_call",
      "done function_call",
      "added function_call",
      "done function_call",
    ]);
    const types = sseEvents(bodies[0]!).map(({ event }) => event);
    expect(types.filter((type) => type === "response.function_call_arguments.done")).toHaveLength(2);
  });

  it("come back whole without streaming, and the output handed back with the results is read as history", async () => {
    const { client, calls } = responsesClientFor(weather);
    const first = await client.responses.create({ ...ask, tools: [weatherTool] });
    expect(first.output.filter((item) => item.type === "function_call")).toHaveLength(2);

    // The stateless loop: the previous output and the results, without previous_response_id.
    await client.responses.create({
      ...ask,
      tools: [weatherTool],
      input: [
        { role: "user", content: ask.input },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: "call_1", output: "18°C" },
        { type: "function_call_output", call_id: "call_2", output: "4°C" },
      ],
    });
    expect(calls[1]?.input.messages).toEqual([
      { role: "user", content: ask.input },
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

  it("end the response cancelled, not completed, when someone pressed Stop after them", async () => {
    const { client } = responsesClientFor([...weather.slice(0, 2), done("stopped", null)]);
    const final = await client.responses.stream({ ...ask, tools: [weatherTool] }).finalResponse();
    expect(final.status).toBe("cancelled");
    expect(final.output.filter((item) => item.type === "function_call")).toHaveLength(1);
  });
});

describe("structured output", () => {
  it("asks for JSON for a json_schema format and the SDK's parse() reads the object", async () => {
    const { client, calls } = responsesClientFor([
      { type: "text", text: '{"city":"Paris","celsius":18}' },
      done("stop", USAGE),
    ]);
    const response = await client.responses.parse({
      ...ask,
      text: { format: zodTextFormat(z.object({ city: z.string(), celsius: z.number() }), "weather") },
    });
    expect(calls[0]?.input.responseFormat).toBe("json");
    expect(response.output_parsed).toEqual({ city: "Paris", celsius: 18 });
    expect(response.text?.format).toMatchObject({ type: "json_schema", name: "weather" });
  });

  it("asks for JSON for json_object, and for nothing with a text format or an empty text", async () => {
    const { client, calls } = responsesClientFor([{ type: "text", text: "{}" }, done("stop", USAGE)]);
    await client.responses.create({ ...ask, text: { format: { type: "json_object" } } });
    await client.responses.create({ ...ask, text: { format: { type: "text" } } });
    await client.responses.create({ ...ask, text: {} });
    expect(calls.map((call) => call.input.responseFormat)).toEqual(["json", undefined, undefined]);
  });
});
