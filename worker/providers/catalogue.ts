/**
 * The models Parley offers, as data: which provider serves each, its limits, capabilities and
 * price per million tokens (USD). A model is listed only when its provider is usable (a key is
 * configured, or it is the keyless demo). Prices change: they live here, not in code paths.
 */
import type { ModelInfo, Usage } from "../protocol";
import type { ProviderId, ProviderUsage } from "./types";

export interface CatalogueModel {
  /** Parley's id for the model, unique across providers; what clients send. */
  id: string;
  provider: ProviderId;
  /** The id the upstream API expects. */
  upstreamId: string;
  name: string;
  context: number;
  maxOutput: number;
  caps: { reasoning: boolean; vision: boolean };
  pricing: { inputPerMTok: number; cachedInputPerMTok: number; outputPerMTok: number };
}

export const CATALOGUE: readonly CatalogueModel[] = [
  {
    id: "parley-demo",
    provider: "demo",
    upstreamId: "parley-demo",
    name: "Parley Demo",
    context: 32_000,
    maxOutput: 4_096,
    caps: { reasoning: false, vision: false },
    pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
  },
  {
    id: "gpt-5-mini",
    provider: "openai",
    upstreamId: "gpt-5-mini",
    name: "GPT-5 mini",
    context: 400_000,
    maxOutput: 128_000,
    caps: { reasoning: true, vision: true },
    pricing: { inputPerMTok: 0.25, cachedInputPerMTok: 0.025, outputPerMTok: 2 },
  },
  {
    id: "gpt-5",
    provider: "openai",
    upstreamId: "gpt-5",
    name: "GPT-5",
    context: 400_000,
    maxOutput: 128_000,
    caps: { reasoning: true, vision: true },
    pricing: { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
  },
  {
    id: "claude-haiku-4-5",
    provider: "anthropic",
    upstreamId: "claude-haiku-4-5",
    name: "Claude Haiku 4.5",
    context: 200_000,
    maxOutput: 64_000,
    caps: { reasoning: true, vision: true },
    pricing: { inputPerMTok: 1, cachedInputPerMTok: 0.1, outputPerMTok: 5 },
  },
  {
    id: "claude-sonnet-4-5",
    provider: "anthropic",
    upstreamId: "claude-sonnet-4-5",
    name: "Claude Sonnet 4.5",
    context: 200_000,
    maxOutput: 64_000,
    caps: { reasoning: true, vision: true },
    pricing: { inputPerMTok: 3, cachedInputPerMTok: 0.3, outputPerMTok: 15 },
  },
];

/** Output tokens requested per answer: enough for long answers, bounded so cost stays sane. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8_192;

export function findModel(id: string): CatalogueModel | undefined {
  return CATALOGUE.find((model) => model.id === id);
}

export function toModelInfo(model: CatalogueModel): ModelInfo {
  return {
    id: model.id,
    provider: model.provider,
    name: model.name,
    context: model.context,
    maxOutput: model.maxOutput,
    caps: model.caps,
    pricing: { inputPerMTok: model.pricing.inputPerMTok, outputPerMTok: model.pricing.outputPerMTok },
  };
}

/** Cost of one answer; cached input tokens are billed at the cached rate, the rest at full. */
export function priceUsage(model: CatalogueModel, usage: ProviderUsage): Usage {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cost =
    ((usage.inputTokens - cached) * model.pricing.inputPerMTok +
      cached * model.pricing.cachedInputPerMTok +
      usage.outputTokens * model.pricing.outputPerMTok) /
    1_000_000;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
    ...(usage.reasoningTokens !== undefined ? { reasoningTokens: usage.reasoningTokens } : {}),
    // Rounded to a millionth of a cent so stored sums stay exact enough for display.
    costUsd: Math.round(cost * 1e8) / 1e8,
  };
}
