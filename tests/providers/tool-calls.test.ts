// Tool calls through every adapter: the tools go out in each API's format, the streamed call
// pieces (ids and names first, arguments JSON cut across many chunks, calls interleaved) come
// back as one `tool_call` event per call with valid JSON arguments, and the follow-up request
// that carries the results has each API's shape — with what the upstream insists on seeing
// again (Anthropic's signed thinking, Gemini's thought signature, DeepSeek's reasoning).
import { describe, expect, it } from "vitest";
import type {
  Provider,
  ProviderMessage,
  ProviderRequest,
  ProviderTool,
  ProviderToolCall,
} from "../../worker/providers/types";
import {
  anthropicAdapter,
  caseRequest,
  deepSeekAdapter,
  drain,
  geminiAdapter,
  type LoggedRequest,
  openAIAdapter,
  openRouterAdapter,
  type StreamSummary,
  uniqueTag,
  upstreamRequests,
} from "./harness";

const CALCULATE: ProviderTool = {
  name: "calculate",
  description: "Evaluates an arithmetic expression.",
  parameters: {
    type: "object",
    properties: { expression: { type: "string" } },
    required: ["expression"],
    additionalProperties: false,
  },
};
const CURRENT_TIME: ProviderTool = {
  name: "get_current_time",
  description: "The current date and time.",
  parameters: { type: "object", properties: { timezone: { type: "string" } }, additionalProperties: false },
};
const TOOLS = [CALCULATE, CURRENT_TIME];

/** What the fake upstream's model asks for (its fragments joined), compact as Parley emits it. */
const CALCULATE_ARGS = '{"expression":"(17 + 4) * 2"}';
const TIME_ARGS = '{"timezone":"Europe/Paris"}';
/** What Parley's tools would answer. */
const RESULTS: Record<string, string> = {
  calculate: "42",
  get_current_time: '{"iso":"2026-11-25T12:00:00.000Z","timezone":"Europe/Paris"}',
};
const PREAMBLE = "Let me work that out.";
const THINKING = "The user wants arithmetic; use the tool.";
const ANTHROPIC_SIGNATURE = "EqQBCkYIBxgCKkDfakeParleySignatureForTestsOnly0123456789abcdefABCDEF==";
const GEMINI_SIGNATURE = "CiQB0e2Kb9fakeParleyGeminiSignatureForTestsOnly+0r8AAb1xYz";

function toolRequest(
  caseName: string,
  label: string,
  extra: Partial<ProviderRequest> = {},
): { request: ProviderRequest; tag: string } {
  const tag = uniqueTag(label);
  return { request: { ...caseRequest(caseName, tag), tools: TOOLS, ...extra }, tag };
}

/** The request after one round of calls, built as the room builds it: the same call objects, then each result. */
function withResults(request: ProviderRequest, first: StreamSummary): ProviderRequest {
  const results: ProviderMessage[] = first.toolCalls.map((call) => ({
    role: "tool",
    content: RESULTS[call.name] ?? "",
    toolCallId: call.id,
  }));
  return {
    ...request,
    messages: [
      ...request.messages,
      { role: "assistant", content: first.text, toolCalls: first.toolCalls },
      ...results,
    ],
  };
}

interface Loop {
  first: StreamSummary;
  second: StreamSummary;
  requests: LoggedRequest[];
}

/** Runs both legs of the loop against the fake upstream (same marker, so both are logged under `tag`). */
async function runLoop(provider: Provider, request: ProviderRequest, tag: string): Promise<Loop> {
  const first = await drain(provider, request);
  expect(first.error).toBeUndefined();
  expect(first.finish).toBe("tool_calls");
  const second = await drain(provider, withResults(request, first));
  expect(second.error).toBeUndefined();
  expect(second.finish).toBe("stop");
  const requests = await upstreamRequests(tag);
  expect(requests).toHaveLength(2);
  return { first, second, requests };
}

function bodyOf(request: LoggedRequest | undefined): Record<string, unknown> {
  return request?.body as Record<string, unknown>;
}

/** Every tool_call event comes after all text and before usage and finish. */
function expectCallsBeforeFinish(summary: StreamSummary): void {
  const types = summary.events.map((event) => event.type);
  const firstCall = types.indexOf("tool_call");
  expect(firstCall).toBeGreaterThanOrEqual(0);
  expect(types.slice(firstCall).filter((type) => type === "text")).toEqual([]);
  expect(types.at(-1)).toBe("finish");
  expect(types.lastIndexOf("tool_call")).toBeLessThan(types.indexOf("finish"));
}

function expectCall(call: ProviderToolCall | undefined, name: string, args: string): void {
  expect(call?.name).toBe(name);
  expect(call?.arguments).toBe(args);
  expect(JSON.parse(call?.arguments ?? "")).toEqual(JSON.parse(args));
  expect(call?.id).toMatch(/\S{8,}/);
}

describe("OpenAI-compatible tool calls", () => {
  it("sends the tools as functions, reassembles split arguments, and sends the results back as tool messages", async () => {
    const { request, tag } = toolRequest("tool_call", "tool-oai");
    const { first, second, requests } = await runLoop(openAIAdapter(), request, tag);

    expect(bodyOf(requests[0]).tools).toEqual([
      {
        type: "function",
        function: { name: "calculate", description: CALCULATE.description, parameters: CALCULATE.parameters },
      },
      {
        type: "function",
        function: {
          name: "get_current_time",
          description: CURRENT_TIME.description,
          parameters: CURRENT_TIME.parameters,
        },
      },
    ]);
    expect(first.toolCalls).toHaveLength(1);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expect(first.toolCalls[0]?.id).toMatch(/^call_/);
    expect(first.text).toBe("");
    expectCallsBeforeFinish(first);
    expect(first.usage).toMatchObject({ inputTokens: 120, outputTokens: 21 });

    const id = first.toolCalls[0]?.id;
    expect((bodyOf(requests[1]).messages as unknown[]).slice(4)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id, type: "function", function: { name: "calculate", arguments: CALCULATE_ARGS } }],
      },
      { role: "tool", tool_call_id: id, content: "42" },
    ]);
    // The answer quotes the result: the loop went all the way round.
    expect(second.text).toBe("The tool answered: 42.");
    expect(second.toolCalls).toEqual([]);
  });

  it("two calls interleaved by index come out as two complete calls, in index order", async () => {
    const { request, tag } = toolRequest("tool_call_parallel", "tool-oai-par");
    const { first, second, requests } = await runLoop(openAIAdapter(), request, tag);
    expect(first.toolCalls).toHaveLength(2);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expectCall(first.toolCalls[1], "get_current_time", TIME_ARGS);
    expect(first.toolCalls[0]?.id).not.toBe(first.toolCalls[1]?.id);
    expect(first.events.filter((event) => event.type === "tool_call")).toHaveLength(2);

    const [call0, call1] = first.toolCalls;
    expect((bodyOf(requests[1]).messages as unknown[]).slice(4)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: call0?.id, type: "function", function: { name: "calculate", arguments: CALCULATE_ARGS } },
          { id: call1?.id, type: "function", function: { name: "get_current_time", arguments: TIME_ARGS } },
        ],
      },
      { role: "tool", tool_call_id: call0?.id, content: RESULTS.calculate },
      { role: "tool", tool_call_id: call1?.id, content: RESULTS.get_current_time },
    ]);
    expect(second.text).toBe(`The tool answered: 42; ${RESULTS.get_current_time}.`);
  });

  it("OpenRouter uses the same format", async () => {
    const { request, tag } = toolRequest("tool_call", "tool-or");
    const { first, second } = await runLoop(openRouterAdapter(), request, tag);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expect(second.text).toBe("The tool answered: 42.");
  });

  it("DeepSeek thinking mode: the reasoning behind the calls goes back with them", async () => {
    const { request, tag } = toolRequest("tool_call_reasoning", "tool-ds");
    const { first, requests } = await runLoop(deepSeekAdapter(), request, tag);
    expect(first.reasoning).toBe(THINKING);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expect(first.usage).toMatchObject({ inputTokens: 140, outputTokens: 48, reasoningTokens: 20 });
    expect((bodyOf(requests[1]).messages as unknown[])[4]).toEqual({
      role: "assistant",
      content: null,
      reasoning_content: THINKING,
      tool_calls: [
        {
          id: first.toolCalls[0]?.id,
          type: "function",
          function: { name: "calculate", arguments: CALCULATE_ARGS },
        },
      ],
    });
  });

  it("OpenAI gets no reasoning_content field even when reasoning came first", async () => {
    const { request, tag } = toolRequest("tool_call_reasoning", "tool-oai-reason");
    const { requests } = await runLoop(openAIAdapter(), request, tag);
    expect((bodyOf(requests[1]).messages as unknown[])[4]).not.toHaveProperty("reasoning_content");
  });

  it("arguments that are not JSON fail the answer (upstream_error, retried while nothing was shown)", async () => {
    const { request, tag } = toolRequest("tool_call_malformed", "tool-oai-bad");
    const result = await drain(openAIAdapter(), request);
    expect(result.toolCalls).toEqual([]);
    expect(result.finish).toBeUndefined();
    expect(result.error).toMatchObject({ code: "upstream_error", retryable: true });
    expect(result.error?.message).toMatch(/sent a response Parley could not read\.$/);
    expect(await upstreamRequests(tag)).toHaveLength(3);
  });

  it("a server that sends whole calls without index and says `stop` still yields the call and tool_calls", async () => {
    const { request, tag } = toolRequest("tool_call_whole", "tool-whole");
    const { first, second } = await runLoop(openAIAdapter({ flavour: "compatible" }), request, tag);
    expect(first.toolCalls).toHaveLength(1);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expect(second.text).toBe("The tool answered: 42.");
  });

  it("a call cut off by the token limit is dropped: finish `length`, no error", async () => {
    const { request, tag } = toolRequest("tool_call_length", "tool-len");
    const result = await drain(openAIAdapter(), request);
    expect(result.error).toBeUndefined();
    expect(result.toolCalls).toEqual([]);
    expect(result.finish).toBe("length");
    expect(await upstreamRequests(tag)).toHaveLength(1);
  });

  it("without tools the request has no tools field", async () => {
    const tag = uniqueTag("tool-none");
    await drain(openAIAdapter(), caseRequest("normal", tag));
    const [logged] = await upstreamRequests(tag);
    expect(logged?.body).not.toHaveProperty("tools");
  });
});

describe("Anthropic tool use", () => {
  it("sends input_schema tools, reassembles input_json_delta fragments, and returns tool_result blocks", async () => {
    const { request, tag } = toolRequest("tool_call", "tool-ant");
    const { first, second, requests } = await runLoop(anthropicAdapter(), request, tag);

    expect(bodyOf(requests[0]).tools).toEqual([
      { name: "calculate", description: CALCULATE.description, input_schema: CALCULATE.parameters },
      {
        name: "get_current_time",
        description: CURRENT_TIME.description,
        input_schema: CURRENT_TIME.parameters,
      },
    ]);
    expect(first.text).toBe(PREAMBLE);
    expect(first.toolCalls).toHaveLength(1);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expect(first.toolCalls[0]?.id).toMatch(/^toolu_01/);
    expectCallsBeforeFinish(first);

    const id = first.toolCalls[0]?.id;
    expect((bodyOf(requests[1]).messages as unknown[]).slice(3)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "text", text: PREAMBLE },
          { type: "tool_use", id, name: "calculate", input: { expression: "(17 + 4) * 2" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "42" }] },
    ]);
    expect(second.text).toBe("The tool answered: 42.");
  });

  it("parallel calls: consecutive tool_use blocks; all results in ONE user message", async () => {
    const { request, tag } = toolRequest("tool_call_parallel", "tool-ant-par");
    const { first, second, requests } = await runLoop(anthropicAdapter(), request, tag);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expectCall(first.toolCalls[1], "get_current_time", TIME_ARGS);
    const [call0, call1] = first.toolCalls;
    const messages = bodyOf(requests[1]).messages as unknown[];
    expect(messages).toHaveLength(5);
    expect(messages[4]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: call0?.id, content: RESULTS.calculate },
        { type: "tool_result", tool_use_id: call1?.id, content: RESULTS.get_current_time },
      ],
    });
    expect(second.text).toBe(`The tool answered: 42; ${RESULTS.get_current_time}.`);
  });

  it("extended thinking: the signed thinking block goes back first in the assistant turn", async () => {
    const { request, tag } = toolRequest("tool_call_thinking", "tool-ant-think", {
      reasoningEffort: "low",
      maxOutputTokens: 4_096,
    });
    const { first, requests } = await runLoop(anthropicAdapter(), request, tag);
    expect(first.reasoning).toBe(THINKING);
    const assistant = (bodyOf(requests[1]).messages as { content: unknown[] }[])[3];
    expect(assistant?.content).toEqual([
      { type: "thinking", thinking: THINKING, signature: ANTHROPIC_SIGNATURE },
      { type: "text", text: PREAMBLE },
      {
        type: "tool_use",
        id: first.toolCalls[0]?.id,
        name: "calculate",
        input: { expression: "(17 + 4) * 2" },
      },
    ]);
    expect(bodyOf(requests[1]).thinking).toEqual({ type: "enabled", budget_tokens: 2_048 });
  });

  it("input that is not JSON fails the answer after the text, keeping the text (no retry)", async () => {
    const { request, tag } = toolRequest("tool_call_malformed", "tool-ant-bad");
    const result = await drain(anthropicAdapter(), request);
    expect(result.text).toBe(PREAMBLE);
    expect(result.toolCalls).toEqual([]);
    expect(result.error).toMatchObject({ code: "upstream_error", retryable: true });
    expect(await upstreamRequests(tag)).toHaveLength(1);
  });
});

describe("Gemini function calling", () => {
  it("sends functionDeclarations, turns whole functionCall parts into calls, and returns functionResponse parts", async () => {
    const { request, tag } = toolRequest("tool_call", "tool-gem", { model: "gemini-2.5-flash" });
    const { first, second, requests } = await runLoop(geminiAdapter(), request, tag);

    expect(bodyOf(requests[0]).tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "calculate",
            description: CALCULATE.description,
            parametersJsonSchema: CALCULATE.parameters,
          },
          {
            name: "get_current_time",
            description: CURRENT_TIME.description,
            parametersJsonSchema: CURRENT_TIME.parameters,
          },
        ],
      },
    ]);
    expect(first.text).toBe(PREAMBLE);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expectCallsBeforeFinish(first);
    expect(first.usage).toMatchObject({ inputTokens: 96, outputTokens: 31 });

    expect((bodyOf(requests[1]).contents as unknown[]).slice(3)).toEqual([
      {
        role: "model",
        parts: [
          { text: PREAMBLE },
          {
            functionCall: { name: "calculate", args: { expression: "(17 + 4) * 2" } },
            thoughtSignature: GEMINI_SIGNATURE,
          },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "calculate", response: { result: "42" } } }] },
    ]);
    expect(second.text).toBe("The tool answered: 42.");
  });

  it("parallel calls get distinct made-up ids; results go back together, paired by name", async () => {
    const { request, tag } = toolRequest("tool_call_parallel", "tool-gem-par", { model: "gemini-2.5-flash" });
    const { first, second, requests } = await runLoop(geminiAdapter(), request, tag);
    expectCall(first.toolCalls[0], "calculate", CALCULATE_ARGS);
    expectCall(first.toolCalls[1], "get_current_time", TIME_ARGS);
    expect(first.toolCalls[0]?.id).not.toBe(first.toolCalls[1]?.id);
    const contents = bodyOf(requests[1]).contents as unknown[];
    expect(contents[3]).toEqual({
      role: "model",
      parts: [
        { text: PREAMBLE },
        {
          functionCall: { name: "calculate", args: { expression: "(17 + 4) * 2" } },
          thoughtSignature: GEMINI_SIGNATURE,
        },
        // Only the first call of a turn carries a signature.
        { functionCall: { name: "get_current_time", args: { timezone: "Europe/Paris" } } },
      ],
    });
    expect(contents[4]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "calculate", response: { result: RESULTS.calculate } } },
        { functionResponse: { name: "get_current_time", response: { result: RESULTS.get_current_time } } },
      ],
    });
    expect(second.text).toBe(`The tool answered: 42; ${RESULTS.get_current_time}.`);
  });

  it("Gemini 3: a call whose signature Parley no longer has is sent with Google's skip value", async () => {
    const tag = uniqueTag("tool-gem3-nosig");
    const base = caseRequest("tool_call", tag);
    const call: ProviderToolCall = { id: "call_stored", name: "calculate", arguments: CALCULATE_ARGS };
    const request: ProviderRequest = {
      ...base,
      model: "gemini-3-pro-preview",
      tools: TOOLS,
      messages: [
        ...base.messages,
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", content: "42", toolCallId: "call_stored" },
      ],
    };
    const result = await drain(geminiAdapter(), request);
    expect(result.text).toBe("The tool answered: 42.");
    const [logged] = await upstreamRequests(tag);
    expect((bodyOf(logged).contents as unknown[]).slice(3)).toEqual([
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "calculate", args: { expression: "(17 + 4) * 2" } },
            thoughtSignature: "skip_thought_signature_validator",
          },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "calculate", response: { result: "42" } } }] },
    ]);
  });

  it("MALFORMED_FUNCTION_CALL is an error, not a finish", async () => {
    const { request } = toolRequest("tool_call_malformed", "tool-gem-bad", { model: "gemini-2.5-flash" });
    const result = await drain(geminiAdapter({ maxRetries: 0 }), request);
    expect(result.toolCalls).toEqual([]);
    expect(result.finish).toBeUndefined();
    expect(result.error).toMatchObject({ code: "upstream_error", retryable: true });
  });
});
