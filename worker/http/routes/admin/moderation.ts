/** Output moderation's policy (docs/admin.md): read it, and change it with an audit entry. */
import { actorOf } from "../../../admin/access";
import { auditInsert } from "../../../admin/audit";
import { readSetting, settingUpsert } from "../../../admin/settings";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import {
  OUTPUT_MODERATION_SETTING,
  outputCheckNames,
  parseOutputPolicy,
  readOutputPolicy,
} from "../../../moderation/output";
import { createRouter } from "../../router";
import { getOutputModerationRoute, setOutputModerationRoute } from "./routes";

export const moderationAdmin = createRouter()
  .openapi(getOutputModerationRoute, async (c) => {
    const policy = await readOutputPolicy(database(c.env.DB));
    return c.json({ policy, checks: outputCheckNames(getConfig(c.env)) }, 200);
  })
  /** Replaces the whole policy; rooms read it as each answer starts, so the next one follows it. */
  .openapi(setOutputModerationRoute, async (c) => {
    const next = c.req.valid("json");
    const db = database(c.env.DB);
    const before = parseOutputPolicy(await readSetting(db, OUTPUT_MODERATION_SETTING));
    const actor = actorOf(c);
    await db.batch([
      settingUpsert(db, OUTPUT_MODERATION_SETTING, next, actor),
      auditInsert(db, {
        actor,
        action: "settings.output_moderation",
        target: OUTPUT_MODERATION_SETTING,
        detail: { before, after: next },
      }),
    ]);
    return c.json({ policy: next, checks: outputCheckNames(getConfig(c.env)) }, 200);
  });
