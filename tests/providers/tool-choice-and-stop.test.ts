// What API clients' tool choice and stop sequences become on each upstream's wire: the exact field
// each API reads, sent only when asked for (and only with tools), the combinations an upstream
// refuses avoided, a stop at a stop sequence reported as `stop`, and a request without tools that
// still tells the model about the tool calls in its history.
import { describe, expect, it } from "vitest";
import { DemoProvider, demoAnswer } from "../../worker/providers/demo";
import type {
  Provider,
  ProviderRequest,
  ProviderTool,
  ProviderToolChoice,
} from "../../worker/providers/types";
import {
  anthropicAdapter,
  caseRequest,
  deepSeekAdapter,
  drain,
  geminiAdapter,
  openAIAdapter,
  uniqueTag,
  upstreamRequests,
} from "./harness";

const LOOKUP: ProviderTool = {
  name: "lookup_order",
  description: "Finds an order by its number.",
  parameters: { type: "object", properties: { number: { type: "string" } }, required: ["number"] },
};
const STOP = ["\n\nUser:", "END"];

/** The body the fake upstream received for a `normal` answer to `request`. */
async function sentBody(
  provider: Provider,
  label: string,
  options: Partial<ProviderRequest>,
): Promise<object> {
  const tag = uniqueTag(label);
  const result = await drain(provider, { ...caseRequest("normal", tag), ...options });
  expect(result.error).toBeUndefined();
  const [logged] = await upstreamRequests(tag);
  expect(logged?.body).toBeTypeOf("object");
  return logged?.body as object;
}

const CHOICES: ProviderToolChoice[] = ["auto", "none", "required", { name: "lookup_order" }];

describe("OpenAI-compatible: tool_choice and stop", () => {
  const expected = ["auto", "none", "required", { type: "function", function: { name: "lookup_order" } }];

  it.each(CHOICES.map((choice, index) => [choice, expected[index]]))(
    "tool choice %o is sent as tool_choice %o",
    async (toolChoice, wire) => {
      const body = await sentBody(openAIAdapter(), "tc-oai", { tools: [LOOKUP], toolChoice });
      expect(body).toMatchObject({ tool_choice: wire, tools: [{ function: { name: "lookup_order" } }] });
    },
  );

  it("stop sequences go out as `stop`, on DeepSeek too", async () => {
    expect(await sentBody(openAIAdapter(), "stop-oai", { stop: STOP })).toMatchObject({ stop: STOP });
    expect(await sentBody(deepSeekAdapter(), "stop-ds", { stop: STOP })).toMatchObject({ stop: STOP });
  });

  it("neither field is sent unless asked for; tool_choice never without tools", async () => {
    const plain = await sentBody(openAIAdapter(), "tc-oai-none", {});
    expect(plain).not.toHaveProperty("tool_choice");
    expect(plain).not.toHaveProperty("stop");
    const toolless = await sentBody(openAIAdapter(), "tc-oai-notools", { toolChoice: "required", stop: [] });
    expect(toolless).not.toHaveProperty("tool_choice");
    expect(toolless).not.toHaveProperty("stop");
  });
});

describe("Anthropic: tool_choice and stop_sequences", () => {
  const expected = [
    { type: "auto" },
    { type: "none" },
    { type: "any" },
    { type: "tool", name: "lookup_order" },
  ];

  it.each(CHOICES.map((choice, index) => [choice, expected[index]]))(
    "tool choice %o is sent as tool_choice %o",
    async (toolChoice, wire) => {
      const body = await sentBody(anthropicAdapter(), "tc-ant", { tools: [LOOKUP], toolChoice });
      expect(body).toMatchObject({ tool_choice: wire, tools: [{ name: "lookup_order" }] });
    },
  );

  it("stop sequences go out as stop_sequences; nothing extra unless asked for", async () => {
    expect(await sentBody(anthropicAdapter(), "stop-ant", { stop: STOP })).toMatchObject({
      stop_sequences: STOP,
    });
    const plain = await sentBody(anthropicAdapter(), "tc-ant-none", { toolChoice: "auto" });
    expect(plain).not.toHaveProperty("tool_choice");
    expect(plain).not.toHaveProperty("stop_sequences");
  });

  it("a forced tool call leaves extended thinking out (Anthropic refuses the two together)", async () => {
    const forced = await sentBody(anthropicAdapter(), "tc-ant-think", {
      tools: [LOOKUP],
      toolChoice: { name: "lookup_order" },
      reasoningEffort: "high",
      maxOutputTokens: 8_192,
    });
    expect(forced).toMatchObject({ tool_choice: { type: "tool", name: "lookup_order" }, max_tokens: 8_192 });
    expect(forced).not.toHaveProperty("thinking");
    const free = await sentBody(anthropicAdapter(), "tc-ant-think-auto", {
      tools: [LOOKUP],
      toolChoice: "auto",
      reasoningEffort: "high",
      maxOutputTokens: 8_192,
    });
    expect(free).toMatchObject({ tool_choice: { type: "auto" }, thinking: { type: "enabled" } });
  });

  it("stop_reason stop_sequence ends the answer with finish `stop`, keeping the text before it", async () => {
    const tag = uniqueTag("stop-ant-reason");
    const result = await drain(anthropicAdapter(), { ...caseRequest("stop-sequence", tag), stop: [" How"] });
    expect(result.text).toBe("Hello!");
    expect(result.finish).toBe("stop");
    expect(result.error).toBeUndefined();
  });
});

describe("Gemini: toolConfig and stopSequences", () => {
  const expected = [
    { mode: "AUTO" },
    { mode: "NONE" },
    { mode: "ANY" },
    { mode: "ANY", allowedFunctionNames: ["lookup_order"] },
  ];

  it.each(CHOICES.map((choice, index) => [choice, expected[index]]))(
    "tool choice %o is sent as functionCallingConfig %o",
    async (toolChoice, wire) => {
      const body = await sentBody(geminiAdapter(), "tc-gem", { tools: [LOOKUP], toolChoice });
      expect(body).toMatchObject({ toolConfig: { functionCallingConfig: wire } });
      expect(
        (body as { toolConfig: { functionCallingConfig: object } }).toolConfig.functionCallingConfig,
      ).toEqual(wire);
    },
  );

  it("stop sequences go into generationConfig; no toolConfig without tools", async () => {
    const body = await sentBody(geminiAdapter(), "stop-gem", { stop: STOP, toolChoice: "none" });
    expect(body).toMatchObject({ generationConfig: { maxOutputTokens: 256, stopSequences: STOP } });
    expect(body).not.toHaveProperty("toolConfig");
    const plain = await sentBody(geminiAdapter(), "stop-gem-none", {});
    expect(plain).not.toMatchObject({ generationConfig: { stopSequences: expect.anything() } });
  });
});

describe("a request without tools whose history has tool calls", () => {
  function withHistory(tag: string): ProviderRequest {
    const base = caseRequest("normal", tag);
    const question = { role: "user" as const, content: "Where is order 7?" };
    return {
      ...base,
      messages: [
        question,
        {
          role: "assistant",
          content: "Checking.",
          toolCalls: [{ id: "call_7", name: "lookup_order", arguments: '{"number":"7"}' }],
        },
        { role: "tool", toolCallId: "call_7", content: "shipped" },
        { role: "assistant", content: "It has shipped." },
        ...base.messages.slice(-1),
      ],
    };
  }
  const folded =
    'Checking.\n\n[Called the tool lookup_order with {"number":"7"}; it returned: shipped]\n\nIt has shipped.';

  it("Anthropic gets each round as text (it refuses tool blocks without tools)", async () => {
    const tag = uniqueTag("fold-ant");
    expect((await drain(anthropicAdapter(), withHistory(tag))).error).toBeUndefined();
    const [logged] = await upstreamRequests(tag);
    expect((logged?.body as { messages: unknown[] }).messages.slice(0, 2)).toEqual([
      { role: "user", content: "Where is order 7?" },
      { role: "assistant", content: folded },
    ]);
  });

  it("Gemini and OpenAI-compatible servers get the same text", async () => {
    const geminiTag = uniqueTag("fold-gem");
    await drain(geminiAdapter(), withHistory(geminiTag));
    const [gemini] = await upstreamRequests(geminiTag);
    expect((gemini?.body as { contents: unknown[] }).contents[1]).toEqual({
      role: "model",
      parts: [{ text: folded }],
    });
    const openAITag = uniqueTag("fold-oai");
    await drain(openAIAdapter(), withHistory(openAITag));
    const [openAI] = await upstreamRequests(openAITag);
    expect((openAI?.body as { messages: unknown[] }).messages.slice(0, 2)).toEqual([
      { role: "user", content: "Where is order 7?" },
      { role: "assistant", content: folded },
    ]);
  });
});

describe("demo provider: stop sequences", () => {
  const prompt = "Tell me about Parley";
  const answer = demoAnswer(prompt);

  it("ends the answer where the earliest stop sequence begins, with finish `stop`", async () => {
    // "No language" comes before "demo provider" in the answer; the order given must not matter.
    const stop = ["demo provider", "No language"];
    const result = await drain(new DemoProvider({ tokenDelayMs: 0 }), {
      model: "demo",
      maxOutputTokens: 4_096,
      messages: [{ role: "user", content: prompt }],
      stop,
    });
    const cut = answer.indexOf("No language");
    expect(cut).toBeGreaterThan(0);
    expect(answer.indexOf("demo provider")).toBeGreaterThan(cut);
    expect(result.text).toBe(answer.slice(0, cut));
    expect(result.finish).toBe("stop");
  });

  it("a stop sequence the answer never writes changes nothing", async () => {
    const result = await drain(new DemoProvider({ tokenDelayMs: 0 }), {
      model: "demo",
      maxOutputTokens: 4_096,
      messages: [{ role: "user", content: prompt }],
      stop: ["zebra crossing"],
    });
    expect(result.text).toBe(answer);
    expect(result.finish).toBe("stop");
  });
});
