/** The model picker's data: models grouped by provider (known providers first), searchable. */
import type { ModelInfo } from "#protocol/http";

const PROVIDER_LABELS: Record<string, string> = {
  demo: "Parley",
  openai: "OpenAI",
  anthropic: "Anthropic",
  gemini: "Google Gemini",
  openrouter: "OpenRouter",
  deepseek: "DeepSeek",
};
const PROVIDER_ORDER = Object.keys(PROVIDER_LABELS);

export function providerLabel(provider: string): string {
  return PROVIDER_LABELS[provider] ?? provider.charAt(0).toUpperCase() + provider.slice(1);
}

export interface ModelGroup<M extends ModelInfo = ModelInfo> {
  provider: string;
  label: string;
  models: M[];
}

function matches(model: ModelInfo, words: string[]): boolean {
  const haystack = `${model.name} ${model.id} ${model.provider} ${providerLabel(model.provider)} ${
    model.caps.vision ? "vision" : ""
  } ${model.caps.reasoning ? "reasoning" : ""}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * Groups by provider: the built-in providers in a fixed order, then custom ones alphabetically;
 * models keep the catalogue's order inside a group. Every word of `query` must match.
 */
export function groupModels<M extends ModelInfo>(models: readonly M[], query = ""): ModelGroup<M>[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, M[]>();
  for (const model of models) {
    if (!matches(model, words)) continue;
    const list = groups.get(model.provider);
    if (list) list.push(model);
    else groups.set(model.provider, [model]);
  }
  const rank = (provider: string) => {
    const index = PROVIDER_ORDER.indexOf(provider);
    return index < 0 ? PROVIDER_ORDER.length : index;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([provider, list]) => ({ provider, label: providerLabel(provider), models: list }));
}

function dollars(perMTok: number): string {
  if (perMTok === 0) return "$0";
  if (perMTok < 0.1) return `$${perMTok.toFixed(3).replace(/0+$/, "")}`;
  return `$${perMTok.toFixed(2).replace(/\.00$/, "")}`;
}

/** "Free", or "$3 / $15" (input / output per million tokens). */
export function formatPrice(model: ModelInfo): string {
  const { inputPerMTok, outputPerMTok } = model.pricing;
  if (inputPerMTok === 0 && outputPerMTok === 0) return "Free";
  return `${dollars(inputPerMTok)} / ${dollars(outputPerMTok)}`;
}

/** "128K", "1M" context window. */
export function formatContext(tokens: number): string {
  if (tokens >= 1_000_000) return `${+(tokens / 1_000_000).toFixed(1)}M`;
  if (tokens >= 1_000) return `${Math.round(tokens / 1_000)}K`;
  return String(tokens);
}
