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
