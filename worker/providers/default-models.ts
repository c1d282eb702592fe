/**
 * Parley's default models, as data: what a new deploy offers before an admin changes anything.
 * They seed the `models` table the first time the catalogue is read; a row that already exists is
 * never overwritten, so an admin's price or an `enabled = false` survives deploys.
 */
import { caps, type CatalogueModel } from "./catalogue-model";

type Seed = Omit<CatalogueModel, "enabled" | "sortOrder" | "upstreamId"> & { upstreamId?: string };

/** Parley's defaults, checked against the providers' published model lists and prices. */
const SEEDS: Seed[] = [
  {
    id: "parley-demo",
    provider: "demo",
    name: "Parley Demo",
    context: 32_000,
    maxOutput: 4_096,
    caps: caps({ tools: false, json: false, temperature: false }),
    pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
  },
  {
    id: "gpt-5-mini",
    provider: "openai",
    name: "GPT-5 mini",
    context: 400_000,
    maxOutput: 128_000,
    caps: caps({ reasoning: true, vision: true, temperature: false }),
    pricing: { inputPerMTok: 0.25, cachedInputPerMTok: 0.025, outputPerMTok: 2 },
  },
  {
    id: "gpt-5",
    provider: "openai",
    name: "GPT-5",
    context: 400_000,
    maxOutput: 128_000,
    caps: caps({ reasoning: true, vision: true, temperature: false }),
    pricing: { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
  },
  {
    id: "gpt-4.1-mini",
    provider: "openai",
    name: "GPT-4.1 mini",
    context: 1_047_576,
    maxOutput: 32_768,
    caps: caps({ vision: true }),
    pricing: { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 },
  },
  {
    id: "claude-haiku-4-5",
    provider: "anthropic",
    name: "Claude Haiku 4.5",
    context: 200_000,
    maxOutput: 64_000,
    caps: caps({ reasoning: true, vision: true }),
    pricing: { inputPerMTok: 1, cachedInputPerMTok: 0.1, outputPerMTok: 5 },
  },
  {
    id: "claude-sonnet-4-5",
    provider: "anthropic",
    name: "Claude Sonnet 4.5",
    context: 200_000,
    maxOutput: 64_000,
    caps: caps({ reasoning: true, vision: true }),
    pricing: { inputPerMTok: 3, cachedInputPerMTok: 0.3, outputPerMTok: 15 },
  },
  {
    id: "gemini-2.5-flash",
    provider: "gemini",
    name: "Gemini 2.5 Flash",
    context: 1_048_576,
    maxOutput: 65_536,
    caps: caps({ reasoning: true, vision: true }),
    pricing: { inputPerMTok: 0.3, cachedInputPerMTok: 0.03, outputPerMTok: 2.5 },
  },
  {
    id: "gemini-2.5-pro",
    provider: "gemini",
    name: "Gemini 2.5 Pro",
    context: 1_048_576,
    maxOutput: 65_536,
    caps: caps({ reasoning: true, vision: true }),
    pricing: { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
  },
  {
    id: "deepseek-flash",
    provider: "deepseek",
    name: "DeepSeek Flash",
    context: 128_000,
    maxOutput: 8_192,
    caps: caps({}),
    pricing: { inputPerMTok: 0.28, cachedInputPerMTok: 0.028, outputPerMTok: 0.42 },
  },
  {
    id: "deepseek-v4-pro",
    provider: "deepseek",
    name: "DeepSeek V4 Pro",
    context: 128_000,
    maxOutput: 64_000,
    caps: caps({ reasoning: true, temperature: false }),
    pricing: { inputPerMTok: 0.56, cachedInputPerMTok: 0.056, outputPerMTok: 1.68 },
  },
  {
    id: "openrouter/auto",
    provider: "openrouter",
    upstreamId: "openrouter/auto",
    name: "OpenRouter Auto",
    context: 2_000_000,
    maxOutput: 32_000,
    caps: caps({ vision: true }),
    // OpenRouter reports each answer's real cost itself; this is only a fallback.
    pricing: { inputPerMTok: 1, cachedInputPerMTok: 1, outputPerMTok: 5 },
  },
  {
    id: "openrouter/meta-llama/llama-3.3-70b-instruct",
    provider: "openrouter",
    upstreamId: "meta-llama/llama-3.3-70b-instruct",
    name: "Llama 3.3 70B (OpenRouter)",
    context: 131_072,
    maxOutput: 16_384,
    caps: caps({}),
    pricing: { inputPerMTok: 0.13, cachedInputPerMTok: 0.13, outputPerMTok: 0.4 },
  },
];

export const DEFAULT_CATALOGUE: readonly CatalogueModel[] = SEEDS.map((seed, index) => ({
  ...seed,
  upstreamId: seed.upstreamId ?? seed.id,
  enabled: true,
  sortOrder: index * 10,
}));

/** Output tokens requested per answer unless the request asks otherwise. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8_192;
