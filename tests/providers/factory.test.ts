// createProvider / providerAvailable: which providers are offered, and that env settings
// (key, base URL, idle timeout, demo pace) reach the adapters.
import { describe, expect, it } from "vitest";
import { createProvider, providerAvailable, type ProviderEnv } from "../../worker/providers";
import { caseRequest, drain, NORMAL_TEXT, uniqueTag, upstreamRequests, upstreamURL } from "./harness";

const FAKE_ENV: ProviderEnv = {
  OPENAI_API_KEY: "sk-from-env",
  OPENAI_BASE_URL: `${upstreamURL}/v1`,
  ANTHROPIC_API_KEY: "sk-ant-from-env",
  ANTHROPIC_BASE_URL: upstreamURL,
  GEMINI_API_KEY: "AIza-from-env",
  GEMINI_BASE_URL: upstreamURL,
  OPENROUTER_API_KEY: "sk-or-from-env",
  OPENROUTER_BASE_URL: `${upstreamURL}/v1`,
  DEEPSEEK_API_KEY: "sk-ds-from-env",
  DEEPSEEK_BASE_URL: `${upstreamURL}/v1`,
};

describe("providerAvailable", () => {
  it("offers demo always, and openai/anthropic only with a non-empty key", () => {
    expect(providerAvailable("demo", {})).toBe(true);
    expect(providerAvailable("openai", {})).toBe(false);
    expect(providerAvailable("openai", { OPENAI_API_KEY: "  " })).toBe(false);
    expect(providerAvailable("openai", { OPENAI_API_KEY: "sk-x" })).toBe(true);
    expect(providerAvailable("anthropic", { OPENAI_API_KEY: "sk-x" })).toBe(false);
    expect(providerAvailable("anthropic", { ANTHROPIC_API_KEY: "sk-ant-x" })).toBe(true);
  });

  it("offers gemini, openrouter and deepseek each by its own key", () => {
    expect(providerAvailable("gemini", { GEMINI_API_KEY: "AIza-x" })).toBe(true);
    expect(providerAvailable("openrouter", { GEMINI_API_KEY: "AIza-x" })).toBe(false);
    expect(providerAvailable("openrouter", { OPENROUTER_API_KEY: "sk-or-x" })).toBe(true);
    expect(providerAvailable("deepseek", { DEEPSEEK_API_KEY: "" })).toBe(false);
    expect(providerAvailable("deepseek", { DEEPSEEK_API_KEY: "sk-x" })).toBe(true);
  });
});

describe("createProvider", () => {
  it("returns null for a provider without a key", () => {
    expect(createProvider("openai", {})).toBeNull();
    expect(createProvider("anthropic", { ANTHROPIC_API_KEY: "" })).toBeNull();
    expect(createProvider("demo", {})?.id).toBe("demo");
  });

  it("wires the OpenAI key and base URL from env", async () => {
    const tag = uniqueTag("factory-openai");
    const provider = createProvider("openai", FAKE_ENV);
    const result = await drain(provider ?? expect.unreachable(), caseRequest("normal", tag));

    expect(result.text).toBe(NORMAL_TEXT);
    const [request] = await upstreamRequests(tag);
    expect(request?.headers.authorization).toBe("Bearer sk-from-env");
  });

  it("wires the Anthropic key and base URL from env", async () => {
    const tag = uniqueTag("factory-anthropic");
    const provider = createProvider("anthropic", FAKE_ENV);
    const result = await drain(provider ?? expect.unreachable(), caseRequest("normal", tag));

    expect(result.text).toBe(NORMAL_TEXT);
    const [request] = await upstreamRequests(tag);
    expect(request?.headers["x-api-key"]).toBe("sk-ant-from-env");
  });

  const WIRED = [
    {
      id: "gemini",
      path: "/v1beta/models/test-model-1:streamGenerateContent",
      header: "x-goog-api-key",
      key: "AIza-from-env",
    },
    { id: "openrouter", path: "/v1/chat/completions", header: "authorization", key: "Bearer sk-or-from-env" },
    { id: "deepseek", path: "/v1/chat/completions", header: "authorization", key: "Bearer sk-ds-from-env" },
  ];
  for (const { id, path, header, key } of WIRED) {
    it(`wires the ${id} key and base URL from env`, async () => {
      const tag = uniqueTag(`factory-${id}`);
      const provider = createProvider(id, FAKE_ENV);
      expect(provider?.id).toBe(id);
      const result = await drain(provider ?? expect.unreachable(), caseRequest("normal", tag));

      expect(result.text).toBe(NORMAL_TEXT);
      const [request] = await upstreamRequests(tag);
      expect(request?.path).toBe(path);
      expect(request?.headers[header]).toBe(key);
    });
  }

  it("applies UPSTREAM_IDLE_TIMEOUT_MS, as a string or an already parsed number", async () => {
    for (const timeout of ["600", 600]) {
      const provider = createProvider("anthropic", { ...FAKE_ENV, UPSTREAM_IDLE_TIMEOUT_MS: timeout });
      const startedAt = Date.now();
      const result = await drain(
        provider ?? expect.unreachable(),
        caseRequest("stall", uniqueTag("factory-idle")),
      );
      expect(result.error?.code).toBe("upstream_timeout");
      expect(Date.now() - startedAt).toBeLessThan(3_000);
    }
  });

  it("applies DEMO_TOKEN_DELAY_MS to the demo pace", async () => {
    const provider = createProvider("demo", { DEMO_TOKEN_DELAY_MS: "40" });
    const startedAt = Date.now();
    const request = {
      model: "demo",
      maxOutputTokens: 4,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    await drain(provider ?? expect.unreachable(), request);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(115);
  });
});
