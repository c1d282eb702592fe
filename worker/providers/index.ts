/**
 * Builds the provider adapters from server configuration. A provider is available when its key
 * is set; base URLs default to the public APIs and can point anywhere (a proxy, a self-hosted
 * gateway, the fake upstream in tests).
 */
import { AnthropicProvider } from "./anthropic";
import { DemoProvider } from "./demo";
import { OpenAIProvider } from "./openai";
import type { Provider, ProviderId } from "./types";

export type {
  Provider,
  ProviderEvent,
  ProviderId,
  ProviderMessage,
  ProviderRequest,
  ProviderUsage,
} from "./types";
export { AnthropicProvider } from "./anthropic";
export { DemoProvider, demoAnswer } from "./demo";
export { OpenAIProvider } from "./openai";

/** The part of the Worker's environment the providers read. */
export interface ProviderEnv {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  ANTHROPIC_API_KEY?: string;
  ANTHROPIC_BASE_URL?: string;
  /** Raw env strings, or numbers when the caller already parsed its config. */
  DEMO_TOKEN_DELAY_MS?: string | number;
  UPSTREAM_IDLE_TIMEOUT_MS?: string | number;
}

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";

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

export function providerAvailable(id: ProviderId, env: ProviderEnv): boolean {
  switch (id) {
    case "demo":
      return true;
    case "openai":
      return nonEmpty(env.OPENAI_API_KEY) !== undefined;
    case "anthropic":
      return nonEmpty(env.ANTHROPIC_API_KEY) !== undefined;
  }
}

/** The adapter for `id`, or null when that provider has no key configured. */
export function createProvider(id: ProviderId, env: ProviderEnv): Provider | null {
  const idleTimeoutMs = millisecondsFrom(env.UPSTREAM_IDLE_TIMEOUT_MS);
  switch (id) {
    case "demo":
      return new DemoProvider({ tokenDelayMs: millisecondsFrom(env.DEMO_TOKEN_DELAY_MS) });
    case "openai": {
      const apiKey = nonEmpty(env.OPENAI_API_KEY);
      if (!apiKey) return null;
      const baseURL = nonEmpty(env.OPENAI_BASE_URL) ?? DEFAULT_OPENAI_BASE_URL;
      return new OpenAIProvider({ apiKey, baseURL, idleTimeoutMs });
    }
    case "anthropic": {
      const apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
      if (!apiKey) return null;
      const baseURL = nonEmpty(env.ANTHROPIC_BASE_URL) ?? DEFAULT_ANTHROPIC_BASE_URL;
      return new AnthropicProvider({ apiKey, baseURL, idleTimeoutMs });
    }
  }
}
