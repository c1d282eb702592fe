// Tool calls, JSON mode and reasoning through the OpenAI dialect, read by the real `openai` SDK
// (see compat-openai-harness.ts): what an agent framework or a structured-output script relies on.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ApiTurnEvent } from "../../worker/compat/contract";
import { clientFor, done, USAGE } from "./compat-openai-harness";

const ask = { model: "gpt-5-mini", messages: [{ role: "user" as const, content: "What is the weather?" }] };

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

  it("end with finish_reason stop, not tool_calls, when someone pressed Stop after them", async () => {
    const { client } = clientFor([...weather.slice(0, 2), done("stopped", null)]);
    const final = await client.chat.completions
      .stream({ ...ask, tools: [weatherTool] })
      .finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.choices[0]?.message.tool_calls).toHaveLength(1);
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
