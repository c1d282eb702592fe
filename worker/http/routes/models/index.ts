/** `GET /api/v1/models`: the catalogue as this caller can use it. */
import { readDefaultModel } from "../../../admin/settings";
import { database } from "../../../db/queries";
import { toModelInfo, usableModels } from "../../../providers/catalogue";
import { createRouter } from "../../router";
import { callerProviders } from "./access";
import { listModelsRoute } from "./routes";

export const modelRoutes = createRouter().openapi(listModelsRoute, async (c) => {
  const { env } = await callerProviders(c.env, c.get("identity"));
  const db = database(c.env.DB);
  const [models, preferred] = await Promise.all([usableModels(db, env), readDefaultModel(db)]);
  // The admin's default model comes first: the app starts new chats with the first one.
  const chosen = models.find((model) => model.id === preferred);
  const ordered = chosen ? [chosen, ...models.filter((model) => model !== chosen)] : models;
  return c.json({ models: ordered.map(toModelInfo), defaultModel: ordered[0]?.id ?? null }, 200);
});
