/** What the operator reads and sets in bulk: limits, usage over time and the logs. */
import { actorOf } from "../../../admin/access";
import { auditInsert, listAudit } from "../../../admin/audit";
import { nextCursor, type Cursor } from "../../../admin/cursor";
import { listModeration, listUpstreamErrors } from "../../../admin/logs";
import { limitsView, readLimits, readSetting, settingUpsert } from "../../../admin/settings";
import { usageReport } from "../../../admin/usage";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import { LIMITS_SETTING, parseGlobalLimits } from "../../../limits";
import { dropRoomCaches } from "../../../room/caches";
import { createRouter } from "../../router";
import {
  auditRoute,
  getLimitsRoute,
  moderationRoute,
  setLimitsRoute,
  upstreamErrorsRoute,
  usageRoute,
} from "./routes";

function page(query: { limit: number; cursor?: Cursor | undefined }): { limit: number; before?: Cursor } {
  return { limit: query.limit, ...(query.cursor ? { before: query.cursor } : {}) };
}

export const reportAdmin = createRouter()
  .openapi(getLimitsRoute, async (c) => {
    return c.json(await readLimits(database(c.env.DB), getConfig(c.env)), 200);
  })
  /** Replaces the global overrides; a field left out or null goes back to the environment's value. */
  .openapi(setLimitsRoute, async (c) => {
    const next = c.req.valid("json");
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
    return c.json(limitsView(next, getConfig(c.env)), 200);
  })
  .openapi(usageRoute, async (c) => {
    return c.json(await usageReport(database(c.env.DB), c.req.valid("query").days), 200);
  })
  .openapi(moderationRoute, async (c) => {
    const options = page(c.req.valid("query"));
    const events = await listModeration(database(c.env.DB), options);
    return c.json({ events, nextCursor: nextCursor(events, options.limit) }, 200);
  })
  .openapi(upstreamErrorsRoute, async (c) => {
    const options = page(c.req.valid("query"));
    const errors = await listUpstreamErrors(database(c.env.DB), options);
    return c.json({ errors, nextCursor: nextCursor(errors, options.limit) }, 200);
  })
  .openapi(auditRoute, async (c) => {
    const options = page(c.req.valid("query"));
    const entries = await listAudit(database(c.env.DB), options);
    return c.json({ entries, nextCursor: nextCursor(entries, options.limit) }, 200);
  });
