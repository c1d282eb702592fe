/** The catalogue as the operator edits it, and the model new conversations start with. */
import { actorOf } from "../../../admin/access";
import { auditInsert } from "../../../admin/audit";
import { DEFAULT_MODEL_SETTING, readDefaultModel, settingUpsert } from "../../../admin/settings";
import { database } from "../../../db/queries";
import { providerAvailable } from "../../../providers";
import {
  applyModelPatch,
  findStoredModel,
  isConfiguredModel,
  loadCatalogue,
  modelUpdate,
  toModelInfo,
  type CatalogueModel,
} from "../../../providers/catalogue";
import type { AdminModel } from "#protocol/admin";
import { AppError } from "../../../errors";
import { dropRoomCaches } from "../../../room/caches";
import { createRouter } from "../../router";
import { listModelsRoute, setDefaultModelRoute, updateModelRoute } from "./routes";

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

export const modelAdmin = createRouter()
  .openapi(listModelsRoute, async (c) => {
    const db = database(c.env.DB);
    const [catalogue, defaultModel] = await Promise.all([loadCatalogue(db, c.env), readDefaultModel(db)]);
    const models = catalogue.map((model) => adminModel(model, c.env, defaultModel));
    return c.json({ models, defaultModel }, 200);
  })
  .openapi(updateModelRoute, async (c) => {
    const patch = c.req.valid("json");
    const { id } = c.req.valid("param");
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
    return c.json({ model: adminModel(after, c.env, await readDefaultModel(db)) }, 200);
  })
  .openapi(setDefaultModelRoute, async (c) => {
    const { model } = c.req.valid("json");
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
    return c.json({ defaultModel: model }, 200);
  });
