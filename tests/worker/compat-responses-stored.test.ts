// A stored answer read back with `retrieve` (storedResponse): the same items, ids and usage the
// stream wrote for it, and its status from the stored row.
import { describe, expect, it } from "vitest";
import { storedResponse, type StoredAnswer } from "../../worker/compat/openai-responses";
import { done, MESSAGE_ID, responsesClientFor, sseEvents, USAGE } from "./compat-responses-harness";

const ask = { model: "gpt-5-mini", input: "Say hello" };

describe("a stored answer read back (retrieve)", () => {
  const row: StoredAnswer["message"] = {
    id: MESSAGE_ID,
    content: "Let me look. It is mild.",
    reasoning: "Weather needs a lookup.",
    model: "gpt-5-mini",
    status: "complete",
    finishReason: "tool_calls",
    errorCode: null,
    errorMessage: null,
    inputTokens: 12,
    outputTokens: 7,
    cachedInputTokens: 4,
    reasoningTokens: 2,
    costUsd: 0.0001,
    toolCalls: JSON.stringify([
      { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', result: "18°C", offset: 12 },
    ]),
    callSettings: null,
    deltaMarks: null,
    createdAt: 1_750_000_000_123,
  };

  it("has the items, ids and usage the stream wrote for the same answer", async () => {
    const { client, bodies } = responsesClientFor([
      { type: "reasoning", text: "Weather needs " },
      { type: "reasoning", text: "a lookup." },
      { type: "text", text: "Let me look." },
      { type: "tool_call", call: { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' } },
      { type: "text", text: " It is mild." },
      done("tool_calls", USAGE),
    ]);
    await client.responses.stream({ ...ask, instructions: "Be brief." }).done();
    const streamed = sseEvents(bodies[0]!).at(-1)?.data.response as Record<string, unknown>;
    const stored = storedResponse({ message: row, systemPrompt: "Be brief." });
    expect(stored.output).toEqual(streamed.output);
    expect(stored.output.map((item) => item.type)).toEqual([
      "reasoning",
      "message",
      "function_call",
      "message",
    ]);
    expect(stored).toMatchObject({
      id: streamed.id,
      created_at: streamed.created_at,
      status: "completed",
      instructions: "Be brief.",
      usage: streamed.usage,
    });
  });

  it("reports Stop as cancelled, a failure as failed, a cut answer as incomplete, a running one in progress", () => {
    const read = (changes: Partial<typeof row>) =>
      storedResponse({ message: { ...row, ...changes }, systemPrompt: "" });
    expect(read({ status: "stopped", finishReason: "stopped" })).toMatchObject({
      status: "cancelled",
      error: null,
    });
    expect(
      read({
        status: "error",
        finishReason: "error",
        errorCode: "upstream_error",
        errorMessage: "It broke.",
      }),
    ).toMatchObject({ status: "failed", error: { code: "upstream_error", message: "It broke." } });
    expect(read({ finishReason: "length" })).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    expect(read({ status: "interrupted", finishReason: "interrupted" })).toMatchObject({
      status: "incomplete",
    });
    const running = read({ status: "streaming", finishReason: null, inputTokens: null, toolCalls: null });
    expect(running).toMatchObject({ status: "in_progress", usage: null, instructions: null });
    expect(running.output.at(-1)).toMatchObject({ type: "message", status: "in_progress" });
  });
});
