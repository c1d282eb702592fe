/**
 * The catalogue as the Worker reads it: the table `models` in D1 is the source an admin edits,
 * seeded with the defaults (default-models.ts) on first use; models of operator-configured
 * OpenAI-compatible endpoints (`CUSTOM_PROVIDERS`) come from configuration and cost nothing.
 * The rules about one model live in catalogue-model.ts; the ones the Worker uses are re-exported
 * here, so the rest of it reads the catalogue through this one module.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { models, type ModelRow } from "../db/schema";
import { caps, type CatalogueModel, isUsableModel } from "./catalogue-model";
import { DEFAULT_CATALOGUE } from "./default-models";
import { parseCustomProviders, providerAvailable, type ProviderEnv } from "./index";

export {
  applyModelPatch,
  type CatalogueModel,
  isUsableModel,
  priceUsage,
  toModelInfo,
} from "./catalogue-model";
export { DEFAULT_MAX_OUTPUT_TOKENS } from "./default-models";

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

/** The update that stores `model` over its row, to batch with the change's audit entry. */
export function modelUpdate(db: Db, model: CatalogueModel, now = Date.now()) {
  const { id: _id, ...row } = toRow(model, now);
  return db.update(models).set(row).where(eq(models.id, model.id));
}
