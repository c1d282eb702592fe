/** `GET /api/v1/models`: the catalogue as this caller can use it. */
import { readDefaultModel } from "../../../admin/settings";
import { database } from "../../../db/queries";
import { toModelInfo, usableModels } from "../../../providers/catalogue";
import { excludedOf, readPlans } from "../../../billing/plans";
import { limitsRowQuery, planFrom } from "../../../limits";
import { createRouter } from "../../router";
import { callerProviders } from "./access";
import { listModelsRoute } from "./routes";

export const modelRoutes = createRouter().openapi(listModelsRoute, async (c) => {
  const identity = c.get("identity");
  const { env, own } = await callerProviders(c.env, identity);
  const db = database(c.env.DB);
  const subject = { userId: identity.userId, kind: identity.kind, ip: "" };
  const [models, preferred, limitRows, plans] = await Promise.all([
    usableModels(db, env),
    readDefaultModel(db),
    limitsRowQuery(db, subject),
    readPlans(db),
  ]);
  const plan = planFrom(subject, limitRows);
  // A model the caller's plan leaves out names the first plan that has it (unless their own key
  // pays for it): the picker offers the upgrade.
  const requiresPlan = (model: { id: string; provider: string }) => {
    if (own.has(model.provider) || !plan.excludedModels.includes(model.id)) return null;
    const next = plans.find((row) => row.id !== "guest" && !excludedOf(row).includes(model.id));
    return next ? { id: next.id, name: next.name } : null;
  };
  // The admin's default model comes first: the app starts new chats with the first one.
  const chosen = models.find((model) => model.id === preferred);
  const ordered = chosen ? [chosen, ...models.filter((model) => model !== chosen)] : models;
  return c.json(
    {
      models: ordered.map((model) => ({ ...toModelInfo(model), requiresPlan: requiresPlan(model) })),
      defaultModel: ordered.find((model) => requiresPlan(model) === null)?.id ?? ordered[0]?.id ?? null,
    },
    200,
  );
});
