// JSON mode (`responseFormat: "json"`) in each API's spelling: OpenAI-compatible
// `response_format`, Gemini's `responseMimeType`, and for Anthropic (no such switch) an
// instruction in the system prompt. The answer streams through as text that parses.
import { describe, expect, it } from "vitest";
import type { Provider, ProviderRequest, ProviderTool } from "../../worker/providers/types";
import {
  anthropicAdapter,
  caseRequest,
  deepSeekAdapter,
  drain,
  geminiAdapter,
  openAIAdapter,
  openRouterAdapter,
  uniqueTag,
  upstreamRequests,
} from "./harness";

const JSON_INSTRUCTION =
  "Answer with a single valid JSON object and nothing else: no prose and no Markdown code fence around it.";
const ANSWER = { answer: 42, unit: "none" };

const TOOL: ProviderTool = {
  name: "calculate",
  description: "Evaluates an arithmetic expression.",
  parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
};

function jsonRequest(
  label: string,
  extra: Partial<ProviderRequest> = {},
): { request: ProviderRequest; tag: string } {
  const tag = uniqueTag(label);
  return { request: { ...caseRequest("json", tag), responseFormat: "json", ...extra }, tag };
}

/** Streams, checks the answer is the fake's JSON object, returns the body the fake got. */
async function jsonBody(
  provider: Provider,
  request: ProviderRequest,
  tag: string,
): Promise<Record<string, unknown>> {
  const result = await drain(provider, request);
  expect(result.error).toBeUndefined();
  expect(result.finish).toBe("stop");
  expect(JSON.parse(result.text)).toEqual(ANSWER);
  const [logged] = await upstreamRequests(tag);
  return logged?.body as Record<string, unknown>;
}

/**
 * JSON mode on the `normal` case, for checks of the instruction: the `json` case's own marker
 * would already put the word "json" in the prompt.
 */
async function plainPromptBody(
  provider: Provider,
  extra: Partial<ProviderRequest>,
): Promise<Record<string, unknown>> {
  const tag = uniqueTag("jm-plain");
  const result = await drain(provider, { ...caseRequest("normal", tag), responseFormat: "json", ...extra });
  expect(result.error).toBeUndefined();
  const [logged] = await upstreamRequests(tag);
  return logged?.body as Record<string, unknown>;
}

describe("JSON mode, OpenAI-compatible", () => {
  it("OpenAI: response_format json_object; the answer streams as text that parses", async () => {
    const { request, tag } = jsonRequest("json-oai");
    const body = await jsonBody(openAIAdapter(), request, tag);
    expect(body.response_format).toEqual({ type: "json_object" });
  });

  it("an instruction after the system prompt when no message mentions JSON (OpenAI refuses JSON mode then)", async () => {
    const body = await plainPromptBody(openAIAdapter(), { system: "You are Parley." });
    expect(body.response_format).toEqual({ type: "json_object" });
    expect((body.messages as unknown[]).slice(0, 3)).toEqual([
      { role: "system", content: "You are Parley." },
      { role: "system", content: JSON_INSTRUCTION },
      { role: "system", content: "Be brief." },
    ]);
  });

  it("no extra instruction when the conversation already asks for JSON", async () => {
    const body = await plainPromptBody(openAIAdapter(), { system: "Reply in JSON." });
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(JSON.stringify(body.messages)).not.toContain(JSON_INSTRUCTION);
    expect((body.messages as unknown[])[0]).toEqual({ role: "system", content: "Reply in JSON." });
  });

  it("DeepSeek and OpenRouter take the same response_format", async () => {
    for (const [label, adapter] of [
      ["json-ds", deepSeekAdapter()],
      ["json-or", openRouterAdapter()],
    ] as const) {
      const { request, tag } = jsonRequest(label);
      const body = await jsonBody(adapter, request, tag);
      expect(body.response_format, label).toEqual({ type: "json_object" });
    }
  });

  it("without JSON mode there is no response_format and no instruction", async () => {
    const tag = uniqueTag("json-off");
    await drain(openAIAdapter(), caseRequest("normal", tag));
    const [logged] = await upstreamRequests(tag);
    expect(logged?.body).not.toHaveProperty("response_format");
    expect(JSON.stringify(logged?.body)).not.toContain(JSON_INSTRUCTION);
  });
});

describe("JSON mode, Anthropic", () => {
  it("an instruction at the end of the system prompt (the API has no JSON switch)", async () => {
    const { request, tag } = jsonRequest("json-ant", { system: "You are Parley." });
    const body = await jsonBody(anthropicAdapter(), request, tag);
    expect(body.system).toBe(`You are Parley.\n\nBe brief.\n\n${JSON_INSTRUCTION}`);
    expect(body).not.toHaveProperty("response_format");
  });
});

describe("JSON mode, Gemini", () => {
  it("generationConfig.responseMimeType application/json", async () => {
    const { request, tag } = jsonRequest("json-gem", { model: "gemini-2.5-flash" });
    const body = await jsonBody(geminiAdapter(), request, tag);
    expect(body.generationConfig).toMatchObject({
      responseMimeType: "application/json",
      maxOutputTokens: 256,
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
  });

  it("Gemini 2.x with tools (which refuses responseMimeType with function calling) gets the instruction", async () => {
    const { request, tag } = jsonRequest("json-gem-tools", { model: "gemini-2.5-flash", tools: [TOOL] });
    const body = await jsonBody(geminiAdapter(), request, tag);
    expect(body.generationConfig).not.toHaveProperty("responseMimeType");
    expect(body.systemInstruction).toEqual({ parts: [{ text: `Be brief.\n\n${JSON_INSTRUCTION}` }] });
  });

  it("Gemini 3 takes responseMimeType together with tools", async () => {
    const { request, tag } = jsonRequest("json-gem3-tools", { model: "gemini-3-pro-preview", tools: [TOOL] });
    const body = await jsonBody(geminiAdapter(), request, tag);
    expect(body.generationConfig).toMatchObject({ responseMimeType: "application/json" });
  });
});
