/** Which models a caller may use: the server's providers plus those they saved their own key for. */
import { listProviderKeys } from "../../../auth/key-vault";
import type { Identity } from "../../../auth/session";
import { database } from "../../../db/queries";
import { withOwnKeys, type ProviderEnv } from "../../../providers";
import { findUsableModel } from "../../../providers/catalogue";
import { AppError } from "../../../errors";

/**
 * The providers this caller can reach: the server's, plus those they saved their own key for
 * (the keys themselves stay encrypted here; only the room decrypts one, to use it).
 */
export async function callerProviders(
  env: Env,
  identity: Identity,
): Promise<{ env: ProviderEnv; own: Set<string> }> {
  if (identity.kind !== "user") return { env, own: new Set() };
  const saved = await listProviderKeys(database(env.DB), identity.userId);
  const own = new Set(saved.map((key) => key.provider));
  return { env: withOwnKeys(env, new Map([...own].map((provider) => [provider, "saved"]))), own };
}

/** A model id the caller may use right now, or a 400 that says so. */
export async function usableModel(env: Env & ProviderEnv, id: string) {
  const model = await findUsableModel(database(env.DB), env, id);
  if (!model) {
    throw new AppError(400, "unknown_model", `The model "${id}" is not available. See GET /api/v1/models.`);
  }
  return model;
}
