/**
 * The models Parley offers, as data: which provider serves each, its limits, capabilities and
 * price per million tokens (USD). The table `models` in D1 is the source an admin edits; the
 * defaults below seed it (rows that already exist are never overwritten, so an admin's price or
 * an `enabled = false` survives deploys). Models of operator-configured OpenAI-compatible
 * endpoints (`CUSTOM_PROVIDERS`) come from configuration and cost nothing.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { models, type ModelRow } from "../db/schema";
import type { Usage } from "#protocol/messages";
import type { ModelInfo } from "#protocol/http";
import { parseCustomProviders, providerAvailable, type ProviderEnv } from "./index";
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

const caps = (flags: Partial<ModelCaps>): ModelCaps => ({
  reasoning: false,
  vision: false,
  tools: true,
  json: true,
  temperature: true,
  ...flags,
});

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

function fromRow(row: ModelRow): CatalogueModel {
  return {
    id: row.id,
    provider: row.provider,
    upstreamId: row.upstreamId,
    name: row.name,
    context: row.context,
    maxOutput: row.maxOutput,
    caps: {
      reasoning: row.capReasoning,
      vision: row.capVision,
      tools: row.capTools,
      json: row.capJson,
      temperature: row.capTemperature,
    },
    pricing: {
      inputPerMTok: row.priceInput,
      cachedInputPerMTok: row.priceCachedInput,
      outputPerMTok: row.priceOutput,
    },
    enabled: row.enabled,
    sortOrder: row.sortOrder,
  };
}

function toRow(model: CatalogueModel, now: number): ModelRow {
  return {
    id: model.id,
    provider: model.provider,
    upstreamId: model.upstreamId,
    name: model.name,
    context: model.context,
    maxOutput: model.maxOutput,
    capReasoning: model.caps.reasoning,
    capVision: model.caps.vision,
    capTools: model.caps.tools,
    capJson: model.caps.json,
    capTemperature: model.caps.temperature,
    priceInput: model.pricing.inputPerMTok,
    priceCachedInput: model.pricing.cachedInputPerMTok,
    priceOutput: model.pricing.outputPerMTok,
    enabled: model.enabled,
    sortOrder: model.sortOrder,
    updatedAt: now,
  };
}

function customModels(env: ProviderEnv): CatalogueModel[] {
  return parseCustomProviders(env).flatMap((endpoint, endpointIndex) =>
    endpoint.models.map((model, index) => ({
      id: `${endpoint.name}/${model.id}`,
      provider: endpoint.name,
      upstreamId: model.id,
      name: model.name ?? model.id,
      context: model.context ?? 8_192,
      maxOutput: model.maxOutput ?? 4_096,
      caps: caps({ tools: false, json: false }),
      pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
      enabled: true,
      sortOrder: 100_000 + endpointIndex * 1_000 + index,
    })),
  );
}

/**
 * Every model in the catalogue (D1 rows, seeded with the defaults on first use, plus custom
 * endpoints), whether usable or not, in display order.
 */
export async function loadCatalogue(db: Db, env: ProviderEnv): Promise<CatalogueModel[]> {
  const rows = await db.select().from(models);
  const known = new Set(rows.map((row) => row.id));
  const missing = DEFAULT_CATALOGUE.filter((model) => !known.has(model.id));
  if (missing.length > 0) {
    const now = Date.now();
    // One statement per row: D1 binds at most 100 parameters per statement.
    const [first, ...rest] = missing.map((model) =>
      db.insert(models).values(toRow(model, now)).onConflictDoNothing(),
    );
    if (first) await db.batch([first, ...rest]);
  }
  const stored = [...rows.map(fromRow), ...missing];
  return [...stored, ...customModels(env)].sort((a, b) => a.sortOrder - b.sortOrder);
}

/** The models a caller can use right now: enabled, and their provider configured. */
export async function usableModels(db: Db, env: ProviderEnv): Promise<CatalogueModel[]> {
  const catalogue = await loadCatalogue(db, env);
  return catalogue.filter((model) => model.enabled && providerAvailable(model.provider, env));
}

/** A model of the catalogue by id, whether or not it is enabled or its provider configured. */
export async function findCatalogueModel(
  db: Db,
  env: ProviderEnv,
  id: string,
): Promise<CatalogueModel | undefined> {
  const custom = customModels(env).find((model) => model.id === id);
  if (custom) return custom;
  return catalogueModelFrom(env, id, await modelRowQuery(db, id));
}

/** The stored row of a model, as a query that can join a D1 batch. */
export function modelRowQuery(db: Db, id: string) {
  return db.select().from(models).where(eq(models.id, id)).limit(1);
}

/** The model `id` from what `modelRowQuery` read: a custom endpoint's, the stored row, or the default. */
export function catalogueModelFrom(
  env: ProviderEnv,
  id: string,
  rows: ReadonlyArray<typeof models.$inferSelect>,
): CatalogueModel | undefined {
  const custom = customModels(env).find((model) => model.id === id);
  if (custom) return custom;
  const [row] = rows;
  return row ? fromRow(row) : DEFAULT_CATALOGUE.find((candidate) => candidate.id === id);
}

/** Whether a catalogue model can answer with this configuration (a person's own keys included). */
export function isUsableModel(model: CatalogueModel, env: ProviderEnv): boolean {
  return model.enabled && providerAvailable(model.provider, env);
}

export async function findUsableModel(
  db: Db,
  env: ProviderEnv,
  id: string,
): Promise<CatalogueModel | undefined> {
  const model = await findCatalogueModel(db, env, id);
  return model && isUsableModel(model, env) ? model : undefined;
}

// ---------------------------------------------------------------------------------------------
// Admin changes (worker/http/routes/admin/models.ts)
// ---------------------------------------------------------------------------------------------

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

/**
 * The stored model `id`, after seeding the defaults, or undefined when there is no such row.
 * Models of `CUSTOM_PROVIDERS` endpoints have no row: they change with the configuration.
 */
export async function findStoredModel(
  db: Db,
  env: ProviderEnv,
  id: string,
): Promise<CatalogueModel | undefined> {
  await loadCatalogue(db, env);
  const [row] = await db.select().from(models).where(eq(models.id, id)).limit(1);
  return row ? fromRow(row) : undefined;
}

/** Whether `id` names a model of an operator-configured endpoint (not editable from /admin). */
export function isConfiguredModel(env: ProviderEnv, id: string): boolean {
  return customModels(env).some((model) => model.id === id);
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

/** The update that stores `model` over its row, to batch with the change's audit entry. */
export function modelUpdate(db: Db, model: CatalogueModel, now = Date.now()) {
  const { id: _id, ...row } = toRow(model, now);
  return db.update(models).set(row).where(eq(models.id, model.id));
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
