/**
 * `/api/v1/keys`: people's own provider API keys (bring your own key). Keys go in once and never
 * come back out: answers carry the provider and the last four characters only.
 */
import { Hono } from "hono";
import { deleteProviderKey, listProviderKeys, saveProviderKey } from "../auth/key-vault";
import { database } from "../db/queries";
import { getConfig } from "../env";
import { acceptsOwnKey } from "../providers";
import { saveKeySchema } from "#protocol/http";
import type { AppEnv } from "./app-env";
import { AppError } from "../errors";
import { dropRoomCaches } from "../room/caches";
import { readJsonBody } from "./json-body";

export const keyRoutes = new Hono<AppEnv>();

function vaultSecret(env: Env): string {
  const secret = getConfig(env).ENCRYPTION_KEY;
  if (!secret) {
    throw new AppError(503, "byok_unavailable", "This Parley server is not set up to store your own keys.");
  }
  return secret;
}

keyRoutes.use("*", async (c, next) => {
  if (c.get("identity").kind !== "user") {
    throw new AppError(401, "unauthorized", "Sign in to keep your own provider keys.");
  }
  await next();
});

keyRoutes.get("/", async (c) => {
  return c.json({ keys: await listProviderKeys(database(c.env.DB), c.get("identity").userId) });
});

keyRoutes.put("/:provider", async (c) => {
  const provider = c.req.param("provider");
  if (!acceptsOwnKey(provider)) {
    throw new AppError(400, "invalid_request", `Parley cannot use your own key for "${provider}".`);
  }
  const body = await readJsonBody(c.req.raw, saveKeySchema);
  const saved = await saveProviderKey(
    database(c.env.DB),
    vaultSecret(c.env),
    c.get("identity").userId,
    provider,
    body.apiKey,
  );
  // Rooms keep a person's keys for admission: the new one is used from the very next answer.
  await dropRoomCaches(c.env, { userId: c.get("identity").userId });
  return c.json({ key: saved });
});

keyRoutes.delete("/:provider", async (c) => {
  const removed = await deleteProviderKey(
    database(c.env.DB),
    c.get("identity").userId,
    c.req.param("provider"),
  );
  if (!removed) throw new AppError(404, "not_found", "No key is saved for that provider.");
  await dropRoomCaches(c.env, { userId: c.get("identity").userId });
  return c.body(null, 204);
});
