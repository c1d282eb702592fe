/**
 * One model of the catalogue and the rules that need no storage: its limits, capabilities and
 * price per million tokens (USD); whether it can answer with a configuration; what an admin may
 * change and how a change applies; what clients are shown; and what an answer costs.
 */
import type { Usage } from "#protocol/messages";
import type { ModelInfo } from "#protocol/http";
import { providerAvailable, type ProviderEnv } from "./index";
import type { ProviderUsage } from "./types";

export interface ModelCaps {
  reasoning: boolean;
  vision: boolean;
  tools: boolean;
  json: boolean;
  /** Whether the model accepts a sampling temperature (reasoning models often do not). */
  temperature: boolean;
}

export interface CatalogueModel {
  /** Parley's id for the model, unique across providers; what clients send. */
  id: string;
  provider: string;
  /** The id the upstream API expects. */
  upstreamId: string;
  name: string;
  context: number;
  maxOutput: number;
  caps: ModelCaps;
  pricing: { inputPerMTok: number; cachedInputPerMTok: number; outputPerMTok: number };
  enabled: boolean;
  sortOrder: number;
}

export const caps = (flags: Partial<ModelCaps>): ModelCaps => ({
  reasoning: false,
  vision: false,
  tools: true,
  json: true,
  temperature: true,
  ...flags,
});

/** Whether a catalogue model can answer with this configuration (a person's own keys included). */
export function isUsableModel(model: CatalogueModel, env: ProviderEnv): boolean {
  return model.enabled && providerAvailable(model.provider, env);
}

/** What an admin may change about a catalogue model; a missing field stays as it is. */
export interface ModelPatch {
  enabled?: boolean;
  name?: string;
  context?: number;
  maxOutput?: number;
  sortOrder?: number;
  caps?: Partial<ModelCaps>;
  pricing?: Partial<CatalogueModel["pricing"]>;
}

export function applyModelPatch(model: CatalogueModel, patch: ModelPatch): CatalogueModel {
  return {
    ...model,
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.context !== undefined ? { context: patch.context } : {}),
    ...(patch.maxOutput !== undefined ? { maxOutput: patch.maxOutput } : {}),
    ...(patch.sortOrder !== undefined ? { sortOrder: patch.sortOrder } : {}),
    caps: { ...model.caps, ...patch.caps },
    pricing: { ...model.pricing, ...patch.pricing },
  };
}

export function toModelInfo(model: CatalogueModel): ModelInfo {
  return {
    id: model.id,
    provider: model.provider,
    name: model.name,
    context: model.context,
    maxOutput: model.maxOutput,
    caps: model.caps,
    pricing: model.pricing,
  };
}

/**
 * Cost of one answer, computed once and stored with it. Cached input tokens are billed at the
 * cached rate, the rest at full; a cost the provider reported itself (OpenRouter) wins.
 */
export function priceUsage(model: CatalogueModel, usage: ProviderUsage & { costUsd?: number }): Usage {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const computed =
    ((usage.inputTokens - cached) * model.pricing.inputPerMTok +
      cached * model.pricing.cachedInputPerMTok +
      usage.outputTokens * model.pricing.outputPerMTok) /
    1_000_000;
  const cost = usage.costUsd ?? computed;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
    ...(usage.reasoningTokens !== undefined ? { reasoningTokens: usage.reasoningTokens } : {}),
    // Rounded to a millionth of a cent so stored sums stay exact enough for display.
    costUsd: Math.round(cost * 1e8) / 1e8,
  };
}
