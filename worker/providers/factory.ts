/**
 * Builds the provider adapters from server configuration. A built-in provider is available when
 * its key is set; base URLs default to the public APIs and can point anywhere (a proxy, a
 * self-hosted gateway, the fake upstream in tests). Custom OpenAI-compatible endpoints come from
 * `CUSTOM_PROVIDERS` and are available as configured.
 */
import { AnthropicProvider } from "./anthropic";
import { parseCustomProviders } from "./custom-providers";
import { DemoProvider } from "./demo";
import { GeminiProvider } from "./gemini";
import { type OpenAICompatibleConfig, OpenAIProvider } from "./openai";
import { type BuiltinProviderId, isBuiltinProviderId, type Provider, type ProviderId } from "./types";

/** The part of the Worker's environment the providers read. */
export interface ProviderEnv {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  ANTHROPIC_API_KEY?: string;
  ANTHROPIC_BASE_URL?: string;
  GEMINI_API_KEY?: string;
  GEMINI_BASE_URL?: string;
  OPENROUTER_API_KEY?: string;
  OPENROUTER_BASE_URL?: string;
  DEEPSEEK_API_KEY?: string;
  DEEPSEEK_BASE_URL?: string;
  /** JSON (a string, or already parsed) listing OpenAI-compatible endpoints; see custom-providers.ts. */
  CUSTOM_PROVIDERS?: unknown;
  /** Raw env strings, or numbers when the caller already parsed its config. */
  DEMO_TOKEN_DELAY_MS?: string | number;
  UPSTREAM_IDLE_TIMEOUT_MS?: string | number;
}

type KeyedProviderId = Exclude<BuiltinProviderId, "demo">;
type EnvString = {
  [K in keyof ProviderEnv]-?: ProviderEnv[K] extends string | undefined ? K : never;
}[keyof ProviderEnv];

interface KeyedProvider {
  apiKey: EnvString;
  baseURL: EnvString;
  defaultBaseURL: string;
  create(config: OpenAICompatibleConfig): Provider;
}

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";
export const DEFAULT_OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
export const DEFAULT_DEEPSEEK_BASE_URL = "https://api.deepseek.com";

const KEYED_PROVIDERS: Record<KeyedProviderId, KeyedProvider> = {
  openai: {
    apiKey: "OPENAI_API_KEY",
    baseURL: "OPENAI_BASE_URL",
    defaultBaseURL: DEFAULT_OPENAI_BASE_URL,
    create: (config) => new OpenAIProvider(config),
  },
  anthropic: {
    apiKey: "ANTHROPIC_API_KEY",
    baseURL: "ANTHROPIC_BASE_URL",
    defaultBaseURL: DEFAULT_ANTHROPIC_BASE_URL,
    create: (config) => new AnthropicProvider(config),
  },
  gemini: {
    apiKey: "GEMINI_API_KEY",
    baseURL: "GEMINI_BASE_URL",
    defaultBaseURL: DEFAULT_GEMINI_BASE_URL,
    create: (config) => new GeminiProvider(config),
  },
  openrouter: {
    apiKey: "OPENROUTER_API_KEY",
    baseURL: "OPENROUTER_BASE_URL",
    defaultBaseURL: DEFAULT_OPENROUTER_BASE_URL,
    create: (config) => new OpenAIProvider({ ...config, id: "openrouter", flavour: "openrouter" }),
  },
  deepseek: {
    apiKey: "DEEPSEEK_API_KEY",
    baseURL: "DEEPSEEK_BASE_URL",
    defaultBaseURL: DEFAULT_DEEPSEEK_BASE_URL,
    create: (config) => new OpenAIProvider({ ...config, id: "deepseek", flavour: "deepseek" }),
  },
};

/** A non-negative integer from an env value; undefined when unset or malformed. */
function millisecondsFrom(value: string | number | undefined): number | undefined {
  if (value === undefined || (typeof value === "string" && value.trim() === "")) return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function keyedProvider(id: ProviderId): KeyedProvider | undefined {
  return isBuiltinProviderId(id) && id !== "demo" ? KEYED_PROVIDERS[id] : undefined;
}

/**
 * Whether `id` can be used with this configuration. Throws CustomProvidersError for a
 * malformed `CUSTOM_PROVIDERS` when asked about a non-built-in id.
 */
export function providerAvailable(id: ProviderId, env: ProviderEnv): boolean {
  if (id === "demo") return true;
  const keyed = keyedProvider(id);
  if (keyed) return nonEmpty(env[keyed.apiKey]) !== undefined;
  return parseCustomProviders(env).some((custom) => custom.name === id);
}

/** The adapter for `id`, or null when it is not configured (no key, or no such custom endpoint). */
export function createProvider(id: ProviderId, env: ProviderEnv): Provider | null {
  const idleTimeoutMs = millisecondsFrom(env.UPSTREAM_IDLE_TIMEOUT_MS);
  if (id === "demo") return new DemoProvider({ tokenDelayMs: millisecondsFrom(env.DEMO_TOKEN_DELAY_MS) });
  const keyed = keyedProvider(id);
  if (keyed) {
    const apiKey = nonEmpty(env[keyed.apiKey]);
    if (!apiKey) return null;
    const baseURL = nonEmpty(env[keyed.baseURL]) ?? keyed.defaultBaseURL;
    return keyed.create({ apiKey, baseURL, idleTimeoutMs });
  }
  const custom = parseCustomProviders(env).find((candidate) => candidate.name === id);
  if (!custom) return null;
  return new OpenAIProvider({
    apiKey: nonEmpty(custom.apiKey) ?? "",
    baseURL: custom.baseURL,
    idleTimeoutMs,
    id: custom.name,
    flavour: "compatible",
    displayName: custom.name,
  });
}

/** Whether people can bring their own key for `id` (the hosted providers, not demo or custom). */
export function acceptsOwnKey(id: string): id is KeyedProviderId {
  return keyedProvider(id) !== undefined;
}

/**
 * The configuration with a person's own keys in place of the server's, for the providers they
 * brought one for. Nothing else changes (base URLs stay the operator's).
 */
export function withOwnKeys(env: ProviderEnv, keys: ReadonlyMap<string, string>): ProviderEnv {
  const overlay: ProviderEnv = { ...env };
  for (const [provider, key] of keys) {
    const keyed = keyedProvider(provider);
    if (keyed) overlay[keyed.apiKey] = key;
  }
  return overlay;
}
