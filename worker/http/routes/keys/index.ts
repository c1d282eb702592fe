/**
 * `/api/v1/keys`: people's own provider API keys (bring your own key). Keys go in once and never
 * come back out: answers carry the provider and the last four characters only.
 */
import { deleteProviderKey, listProviderKeys, saveProviderKey } from "../../../auth/key-vault";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import { acceptsOwnKey } from "../../../providers";
import { AppError } from "../../../errors";
import { dropRoomCaches } from "../../../room/caches";
import { createRouter } from "../../router";
import { deleteKeyRoute, listKeysRoute, saveKeyRoute } from "./routes";

function vaultSecret(env: Env): string {
  const secret = getConfig(env).ENCRYPTION_KEY;
  if (!secret) {
    throw new AppError(503, "byok_unavailable", "This Parley server is not set up to store your own keys.");
  }
  return secret;
}

export const keyRoutes = createRouter()
  .openapi(listKeysRoute, async (c) => {
    return c.json({ keys: await listProviderKeys(database(c.env.DB), c.get("identity").userId) }, 200);
  })
  .openapi(saveKeyRoute, async (c) => {
    const { provider } = c.req.valid("param");
    if (!acceptsOwnKey(provider)) {
      throw new AppError(400, "invalid_request", `Parley cannot use your own key for "${provider}".`);
    }
    const { apiKey } = c.req.valid("json");
    const db = database(c.env.DB);
    const saved = await saveProviderKey(db, vaultSecret(c.env), c.get("identity").userId, provider, apiKey);
    // Rooms keep a person's keys for admission: the new one is used from the very next answer.
    await dropRoomCaches(c.env, { userId: c.get("identity").userId });
    return c.json({ key: saved }, 200);
  })
  .openapi(deleteKeyRoute, async (c) => {
    const { provider } = c.req.valid("param");
    const removed = await deleteProviderKey(database(c.env.DB), c.get("identity").userId, provider);
    if (!removed) throw new AppError(404, "not_found", "No key is saved for that provider.");
    await dropRoomCaches(c.env, { userId: c.get("identity").userId });
    return c.body(null, 204);
  });
