// CUSTOM_PROVIDERS: operator-configured OpenAI-compatible endpoints — parsed with errors that
// name the field at fault, cached per env, and turned into working adapters.
import { describe, expect, it } from "vitest";
import {
  createProvider,
  CustomProvidersError,
  parseCustomProviders,
  providerAvailable,
} from "../../worker/providers";
import { caseRequest, drain, NORMAL_TEXT, uniqueTag, upstreamRequests, upstreamURL } from "./harness";

const OLLAMA = {
  name: "ollama",
  baseURL: "http://127.0.0.1:11434/v1",
  models: [{ id: "llama3.1", name: "Llama 3.1 8B", context: 131_072 }],
};

function parse(value: unknown): ReturnType<typeof parseCustomProviders> {
  return parseCustomProviders({ CUSTOM_PROVIDERS: value });
}

describe("parseCustomProviders", () => {
  it("reads the JSON string an operator sets, or an already parsed value", () => {
    expect(parse(JSON.stringify([OLLAMA]))).toEqual([OLLAMA]);
    expect(parse([OLLAMA])).toEqual([OLLAMA]);
  });

  it("is empty when unset or blank", () => {
    expect(parseCustomProviders({})).toEqual([]);
    expect(parse("  ")).toEqual([]);
  });

  it("parses once per env object", () => {
    const env = { CUSTOM_PROVIDERS: JSON.stringify([OLLAMA]) };
    expect(parseCustomProviders(env)).toBe(parseCustomProviders(env));
  });

  const INVALID: [string, unknown, RegExp][] = [
    ["malformed JSON", "[{name:", /CUSTOM_PROVIDERS is not valid JSON/],
    ["an object instead of a list", JSON.stringify(OLLAMA), /CUSTOM_PROVIDERS: /],
    [
      "an upper-case name",
      [{ ...OLLAMA, name: "Ollama" }],
      /CUSTOM_PROVIDERS\[0\]\.name: must be a lowercase slug/,
    ],
    ["a built-in id", [{ ...OLLAMA, name: "openai" }], /\[0\]\.name: must not be a built-in provider id/],
    ["a duplicate name", [OLLAMA, OLLAMA], /\[1\]\.name: "ollama" is used twice/],
    [
      "a base URL that is not http(s)",
      [{ ...OLLAMA, baseURL: "localhost:11434" }],
      /\[0\]\.baseURL: must be an http\(s\) URL/,
    ],
    ["no models", [{ ...OLLAMA, models: [] }], /\[0\]\.models: must list at least one model/],
    [
      "a duplicate model",
      [{ ...OLLAMA, models: [{ id: "a" }, { id: "a" }] }],
      /\[0\]\.models\[1\]\.id: "a" is listed twice/,
    ],
    ["a misspelt field", [{ ...OLLAMA, baseUrl: "http://x" }], /\[0\]: .*baseUrl/],
  ];
  for (const [label, value, message] of INVALID) {
    it(`rejects ${label} with a message naming the field`, () => {
      expect(() => parse(value)).toThrow(CustomProvidersError);
      expect(() => parse(value)).toThrow(message);
    });
  }
});

describe("custom endpoints as providers", () => {
  const env = {
    CUSTOM_PROVIDERS: JSON.stringify([
      { name: "local-llm", baseURL: `${upstreamURL}/v1`, models: [{ id: "qwen3:8b" }] },
      {
        name: "vllm",
        baseURL: `${upstreamURL}/v1`,
        apiKey: "vllm-secret",
        models: [{ id: "Qwen/Qwen3-8B" }],
      },
    ]),
  };

  it("are available by name, unknown names are not", () => {
    expect(providerAvailable("local-llm", env)).toBe(true);
    expect(providerAvailable("vllm", env)).toBe(true);
    expect(providerAvailable("lmstudio", env)).toBe(false);
    expect(createProvider("lmstudio", env)).toBeNull();
  });

  it("stream through the OpenAI adapter under their own id, without auth when no key is set", async () => {
    const tag = uniqueTag("custom-keyless");
    const provider = createProvider("local-llm", env);
    expect(provider?.id).toBe("local-llm");
    const result = await drain(provider ?? expect.unreachable(), {
      ...caseRequest("normal", tag, { auth: "none" }),
      model: "qwen3:8b",
    });

    expect(result.text).toBe(NORMAL_TEXT);
    const [request] = await upstreamRequests(tag);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toMatchObject({ model: "qwen3:8b", stream: true, max_tokens: 256 });
  });

  it("send their key as a bearer token when one is set", async () => {
    const tag = uniqueTag("custom-key");
    await drain(createProvider("vllm", env) ?? expect.unreachable(), caseRequest("normal", tag));
    const [request] = await upstreamRequests(tag);
    expect(request?.headers.authorization).toBe("Bearer vllm-secret");
  });

  it("name themselves in error messages", async () => {
    const result = await drain(
      createProvider("vllm", env) ?? expect.unreachable(),
      caseRequest("auth", uniqueTag("custom-auth")),
    );
    expect(result.error).toMatchObject({ code: "invalid_api_key" });
    expect(result.error?.message).toContain("vllm");
  });
});
