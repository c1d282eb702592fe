/**
 * `/api/v1/admin/*`: models, limits, people, usage and the logs an operator needs, for admins and
 * the ADMIN_TOKEN bearer (worker/admin/access.ts). Every change is written to `audit_log` in the
 * same D1 batch as the change. See docs/admin.md.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { actorOf, adminAccess } from "../admin/access";
import { auditInsert, listAudit } from "../admin/audit";
import { cursorSchema, nextCursor, type Cursor } from "../admin/cursor";
import { listModeration, listUpstreamErrors } from "../admin/logs";
import {
  DEFAULT_MODEL_SETTING,
  limitsView,
  readDefaultModel,
  readLimits,
  readSetting,
  settingUpsert,
} from "../admin/settings";
import { usageReport } from "../admin/usage";
import { banUpdate, findAdminUser, limitsUpdate, searchUsers } from "../admin/users";
import { database } from "../db/queries";
import { getConfig } from "../env";
import { LIMITS_SETTING, parseGlobalLimits } from "../limits";
import {
  adminModelPatchSchema,
  defaultModelSchema,
  globalLimitsSchema,
  limitOverridesSchema,
  type AdminModel,
  type AdminUser,
} from "#protocol/admin";
import { providerAvailable } from "../providers";
import {
  applyModelPatch,
  findStoredModel,
  isConfiguredModel,
  loadCatalogue,
  modelUpdate,
  toModelInfo,
  type CatalogueModel,
} from "../providers/catalogue";
import type { AppEnv } from "./app-env";
import { AppError } from "../errors";
import { dropRoomCaches } from "../room/caches";
import { readJsonBody } from "./json-body";

// -----------------------------------------------------------------------------------------------
// Request shapes (also what worker/http/openapi.ts documents)
// -----------------------------------------------------------------------------------------------

export const globalLimitsBodySchema = globalLimitsSchema;
export const userLimitsBodySchema = limitOverridesSchema;

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorSchema.optional(),
};
export const pageQuerySchema = z.object(pageQuery);
export const usersQuerySchema = z.object({
  q: z.string().max(200).optional(),
  kind: z.enum(["guest", "user"]).optional(),
  // Each person's month usage is read with their id as a bound parameter (D1 allows 100).
  limit: z.coerce.number().int().min(1).max(50).default(25),
  cursor: cursorSchema.optional(),
});
export const usageQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

function readQuery<T extends z.ZodType>(c: Context<AppEnv>, schema: T): z.infer<T> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new AppError(400, "invalid_request", `${where}${issue?.message ?? "invalid query"}`);
  }
  return result.data;
}

// -----------------------------------------------------------------------------------------------
// Routes
// -----------------------------------------------------------------------------------------------

export const adminRoutes = new Hono<AppEnv>();

adminRoutes.use("*", adminAccess);

/** A catalogue model as the admin sees it: everything, plus whether it can answer right now. */
function adminModel(model: CatalogueModel, env: Env, defaultModel: string | null): AdminModel {
  return {
    ...toModelInfo(model),
    upstreamId: model.upstreamId,
    enabled: model.enabled,
    sortOrder: model.sortOrder,
    available: providerAvailable(model.provider, env),
    editable: !isConfiguredModel(env, model.id),
    isDefault: model.id === defaultModel,
  };
}

function editableFields(model: CatalogueModel) {
  const { enabled, name, context, maxOutput, sortOrder, caps, pricing } = model;
  return { enabled, name, context, maxOutput, sortOrder, caps, pricing };
}

adminRoutes.get("/models", async (c) => {
  const db = database(c.env.DB);
  const [catalogue, defaultModel] = await Promise.all([loadCatalogue(db, c.env), readDefaultModel(db)]);
  return c.json({ models: catalogue.map((model) => adminModel(model, c.env, defaultModel)), defaultModel });
});

adminRoutes.patch("/models/:id", async (c) => {
  const patch = await readJsonBody(c.req.raw, adminModelPatchSchema);
  const id = c.req.param("id");
  if (isConfiguredModel(c.env, id)) {
    throw new AppError(400, "not_editable", "This model comes from CUSTOM_PROVIDERS; change it there.");
  }
  const db = database(c.env.DB);
  const before = await findStoredModel(db, c.env, id);
  if (!before) throw new AppError(404, "not_found", "Model not found.");
  const after = applyModelPatch(before, patch);
  if (after.maxOutput > after.context) {
    throw new AppError(400, "invalid_request", "maxOutput cannot be larger than the context window.");
  }
  await db.batch([
    modelUpdate(db, after),
    auditInsert(db, {
      actor: actorOf(c),
      action: "model.update",
      target: id,
      detail: { before: editableFields(before), changes: patch },
    }),
  ]);
  // Rooms keep catalogue rows for admission: the change reaches them before it is confirmed.
  await dropRoomCaches(c.env);
  return c.json({ model: adminModel(after, c.env, await readDefaultModel(db)) });
});

adminRoutes.put("/settings/default-model", async (c) => {
  const { model } = await readJsonBody(c.req.raw, defaultModelSchema);
  const db = database(c.env.DB);
  if (model !== null) {
    const found = (await loadCatalogue(db, c.env)).find((candidate) => candidate.id === model);
    if (!found?.enabled) {
      throw new AppError(400, "unknown_model", `"${model}" is not an enabled model of the catalogue.`);
    }
  }
  const before = await readDefaultModel(db);
  const actor = actorOf(c);
  await db.batch([
    settingUpsert(db, DEFAULT_MODEL_SETTING, model, actor),
    auditInsert(db, {
      actor,
      action: "settings.default_model",
      target: DEFAULT_MODEL_SETTING,
      detail: { before, after: model },
    }),
  ]);
  return c.json({ defaultModel: model });
});

adminRoutes.get("/settings/limits", async (c) => {
  return c.json(await readLimits(database(c.env.DB), getConfig(c.env)));
});

/** Replaces the global overrides; a field left out or null goes back to the environment's value. */
adminRoutes.put("/settings/limits", async (c) => {
  const next = await readJsonBody(c.req.raw, globalLimitsBodySchema);
  const db = database(c.env.DB);
  const before = parseGlobalLimits(await readSetting(db, LIMITS_SETTING));
  const actor = actorOf(c);
  await db.batch([
    settingUpsert(db, LIMITS_SETTING, next, actor),
    auditInsert(db, {
      actor,
      action: "settings.limits",
      target: LIMITS_SETTING,
      detail: { before, after: next },
    }),
  ]);
  await dropRoomCaches(c.env);
  return c.json(limitsView(next, getConfig(c.env)));
});

adminRoutes.get("/users", async (c) => {
  const query = readQuery(c, usersQuerySchema);
  const users = await searchUsers(database(c.env.DB), {
    limit: query.limit,
    ...(query.q ? { q: query.q } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.cursor ? { before: query.cursor } : {}),
  });
  return c.json({ users, nextCursor: nextCursor(users, query.limit) });
});

async function existingUser(c: Context<AppEnv>): Promise<AdminUser> {
  const user = await findAdminUser(database(c.env.DB), c.req.param("id") ?? "");
  if (!user) throw new AppError(404, "not_found", "No such person.");
  return user;
}

adminRoutes.get("/users/:id", async (c) => c.json({ user: await existingUser(c) }));

/** Replaces a person's overrides: each field a number, or null (or left out) for the tier's limit. */
adminRoutes.put("/users/:id/limits", async (c) => {
  const body = await readJsonBody(c.req.raw, userLimitsBodySchema);
  const user = await existingUser(c);
  const limits = {
    rateLimit: body.rateLimit ?? null,
    rateWindowSeconds: body.rateWindowSeconds ?? null,
    monthlyTokens: body.monthlyTokens ?? null,
    monthlyCostUsd: body.monthlyCostUsd ?? null,
  };
  const db = database(c.env.DB);
  await db.batch([
    limitsUpdate(db, user.id, limits),
    auditInsert(db, {
      actor: actorOf(c),
      action: "user.limits",
      target: user.id,
      detail: { email: user.email, before: user.limits, after: limits },
    }),
  ]);
  await dropRoomCaches(c.env, { userId: user.id });
  return c.json({ user: { ...user, limits } });
});

adminRoutes.post("/users/:id/ban", async (c) => {
  const user = await existingUser(c);
  const actor = actorOf(c);
  if (actor === user.id) throw new AppError(400, "invalid_request", "You cannot ban yourself.");
  const bannedAt = user.bannedAt ?? Date.now();
  const db = database(c.env.DB);
  await db.batch([
    banUpdate(db, user.id, bannedAt),
    auditInsert(db, {
      actor,
      action: "user.ban",
      target: user.id,
      detail: { email: user.email, kind: user.kind },
    }),
  ]);
  return c.json({ user: { ...user, bannedAt } });
});

adminRoutes.post("/users/:id/unban", async (c) => {
  const user = await existingUser(c);
  const db = database(c.env.DB);
  await db.batch([
    banUpdate(db, user.id, null),
    auditInsert(db, {
      actor: actorOf(c),
      action: "user.unban",
      target: user.id,
      detail: { email: user.email, kind: user.kind },
    }),
  ]);
  return c.json({ user: { ...user, bannedAt: null } });
});

adminRoutes.get("/usage", async (c) => {
  const { days } = readQuery(c, usageQuerySchema);
  return c.json(await usageReport(database(c.env.DB), days));
});

function page(c: Context<AppEnv>): { limit: number; before?: Cursor } {
  const query = readQuery(c, pageQuerySchema);
  return { limit: query.limit, ...(query.cursor ? { before: query.cursor } : {}) };
}

adminRoutes.get("/moderation", async (c) => {
  const options = page(c);
  const events = await listModeration(database(c.env.DB), options);
  return c.json({ events, nextCursor: nextCursor(events, options.limit) });
});

adminRoutes.get("/errors", async (c) => {
  const options = page(c);
  const errors = await listUpstreamErrors(database(c.env.DB), options);
  return c.json({ errors, nextCursor: nextCursor(errors, options.limit) });
});

adminRoutes.get("/audit", async (c) => {
  const options = page(c);
  const entries = await listAudit(database(c.env.DB), options);
  return c.json({ entries, nextCursor: nextCursor(entries, options.limit) });
});

// Mounted ahead of the API's own session middleware (see app.ts): an unknown admin path must end
// here, or the request would run through that middleware a second time on its way to a 404.
adminRoutes.all("*", () => {
  throw new AppError(404, "not_found", "No such endpoint.");
});
