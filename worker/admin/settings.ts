/**
 * Operator settings kept in D1 (`settings`, one JSON value per key) and changed from /admin: the
 * global rate limits and monthly quotas per tier, and the default model. The limits are read on
 * every chat request by worker/limits (their schema is in #protocol/admin), so a change here is
 * live at once.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Config } from "../env";
import type { Db } from "../db/queries";
import { settings } from "../db/schema";
import { LIMITS_SETTING, envLimits, layerLimits, parseGlobalLimits } from "../limits";
import type { GlobalLimits, LimitsView } from "#protocol/admin";

export const DEFAULT_MODEL_SETTING = "default_model";

export async function readSetting(db: Db, key: string): Promise<string | undefined> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, key))
    .limit(1);
  return row?.value;
}

/** The upsert for one setting, to batch with its audit entry. */
export function settingUpsert(db: Db, key: string, value: unknown, actor: string, now = Date.now()) {
  const row = { value: JSON.stringify(value), updatedAt: now, updatedBy: actor };
  return db
    .insert(settings)
    .values({ key, ...row })
    .onConflictDoUpdate({ target: settings.key, set: row });
}

/** The admin's chosen default model, if any (it may since have been disabled). */
export async function readDefaultModel(db: Db): Promise<string | null> {
  const raw = await readSetting(db, DEFAULT_MODEL_SETTING);
  if (raw === undefined) return null;
  try {
    const parsed = z.string().nullable().safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function readLimits(db: Db, config: Config): Promise<LimitsView> {
  const overrides = parseGlobalLimits(await readSetting(db, LIMITS_SETTING));
  return limitsView(overrides, config);
}

export function limitsView(overrides: GlobalLimits, config: Config): LimitsView {
  const defaults = { guest: envLimits("guest", config), user: envLimits("user", config) };
  return {
    defaults,
    overrides,
    effective: {
      guest: layerLimits(defaults.guest, overrides.guest),
      user: layerLimits(defaults.user, overrides.user),
    },
  };
}
