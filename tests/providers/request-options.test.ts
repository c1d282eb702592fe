// What each adapter puts on the wire for the generation options: streaming and usage on, the
// system prompt, temperature and reasoning effort in each API's own spelling.
import { describe, expect, it } from "vitest";
import type { ProviderRequest } from "../../worker/providers/types";
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
import type { Provider } from "../../worker/providers/types";

async function sentBody(provider: Provider, request: ProviderRequest): Promise<unknown> {
  const tag = /tag=(\S+?)[\s\]]/.exec(request.messages.at(-1)?.content ?? "")?.[1] ?? "";
  const result = await drain(provider, request);
  expect(result.error).toBeUndefined();
  const [logged] = await upstreamRequests(tag);
  return logged?.body;
}

function optionsRequest(label: string, options: Partial<ProviderRequest>): ProviderRequest {
  return { ...caseRequest("normal", uniqueTag(label)), system: "You are Parley.", ...options };
}

describe("OpenAI-compatible request options", () => {
  it("OpenAI: system prompt first, temperature, reasoning_effort, streaming with usage", async () => {
    const body = await sentBody(
      openAIAdapter(),
      optionsRequest("opt-oai", { temperature: 0.3, reasoningEffort: "high" }),
    );
    expect(body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
      reasoning_effort: "high",
      messages: [
        { role: "system", content: "You are Parley." },
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi there" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: expect.stringContaining("[[case:normal") },
      ],
    });
  });

  it("OpenRouter: reasoning as its unified `reasoning.effort` object", async () => {
    const body = await sentBody(openRouterAdapter(), optionsRequest("opt-or", { reasoningEffort: "low" }));
    expect(body).toMatchObject({ reasoning: { effort: "low" }, stream: true, max_tokens: 256 });
    expect(body).not.toHaveProperty("reasoning_effort");
  });

  it("DeepSeek: reasoning_effort and temperature as given", async () => {
    const body = await sentBody(
      deepSeekAdapter(),
      optionsRequest("opt-ds", { reasoningEffort: "medium", temperature: 1.2 }),
    );
    expect(body).toMatchObject({ reasoning_effort: "medium", temperature: 1.2, max_tokens: 256 });
  });

  it("without options nothing extra is sent", async () => {
    const body = await sentBody(openAIAdapter(), caseRequest("normal", uniqueTag("opt-none")));
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("reasoning_effort");
    expect(body).not.toHaveProperty("reasoning");
  });
});

describe("Anthropic request options", () => {
  it("extended thinking by effort, without temperature (thinking requires the default)", async () => {
    const request = optionsRequest("opt-ant-think", {
      reasoningEffort: "medium",
      temperature: 0.2,
      maxOutputTokens: 32_000,
    });
    const body = await sentBody(anthropicAdapter(), request);
    expect(body).toMatchObject({
      system: "You are Parley.\n\nBe brief.",
      max_tokens: 32_000,
      thinking: { type: "enabled", budget_tokens: 8_192 },
      stream: true,
    });
    expect(body).not.toHaveProperty("temperature");
  });

  it("the thinking budget stays below max_tokens; a cap too small for 1024 is raised", async () => {
    const halved = await sentBody(
      anthropicAdapter(),
      optionsRequest("opt-ant-half", { reasoningEffort: "high", maxOutputTokens: 8_192 }),
    );
    expect(halved).toMatchObject({ max_tokens: 8_192, thinking: { budget_tokens: 4_096 } });
    const raised = await sentBody(
      anthropicAdapter(),
      optionsRequest("opt-ant-small", { reasoningEffort: "low", maxOutputTokens: 256 }),
    );
    expect(raised).toMatchObject({ max_tokens: 1_280, thinking: { budget_tokens: 1_024 } });
  });

  it("temperature without thinking, clamped to Anthropic's 0–1", async () => {
    const body = await sentBody(anthropicAdapter(), optionsRequest("opt-ant-temp", { temperature: 1.6 }));
    expect(body).toMatchObject({ temperature: 1 });
    expect(body).not.toHaveProperty("thinking");
  });
});

describe("Gemini request options", () => {
  it("2.5 models: thinkingBudget by effort with thought summaries, temperature, systemInstruction", async () => {
    const request = optionsRequest("opt-gem-25", {
      model: "gemini-2.5-flash",
      reasoningEffort: "low",
      temperature: 0.7,
      maxOutputTokens: 8_192,
    });
    const body = await sentBody(geminiAdapter(), request);
    expect(body).toMatchObject({
      systemInstruction: { parts: [{ text: "You are Parley.\n\nBe brief." }] },
      generationConfig: {
        maxOutputTokens: 8_192,
        temperature: 0.7,
        thinkingConfig: { includeThoughts: true, thinkingBudget: 2_048 },
      },
    });
  });

  it("Gemini 3 models: thinkingLevel, never together with a budget", async () => {
    const body = await sentBody(
      geminiAdapter(),
      optionsRequest("opt-gem-3", { model: "gemini-3-pro-preview", reasoningEffort: "high" }),
    );
    expect(body).toMatchObject({
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingLevel: "high" } },
    });
    expect(body).not.toMatchObject({
      generationConfig: { thinkingConfig: { thinkingBudget: expect.anything() } },
    });
  });

  it("thinking models show their thoughts even without an effort; others get no thinkingConfig", async () => {
    const thinking = await sentBody(
      geminiAdapter(),
      optionsRequest("opt-gem-default", { model: "gemini-2.5-pro" }),
    );
    expect(thinking).toMatchObject({ generationConfig: { thinkingConfig: { includeThoughts: true } } });
    const plain = await sentBody(
      geminiAdapter(),
      optionsRequest("opt-gem-plain", { model: "gemini-2.0-flash" }),
    );
    expect(plain).toMatchObject({ generationConfig: { maxOutputTokens: 256 } });
    expect(plain).not.toMatchObject({ generationConfig: { thinkingConfig: expect.anything() } });
  });
});
