/** Plans and payments for the admin: the Billing tab, editing plans, granting a plan by hand. */
import { actorOf } from "../../../admin/access";
import { auditInsert } from "../../../admin/audit";
import { billingOverview, grantPlan } from "../../../billing/admin";
import { notifyPlanChange } from "../../../billing/notify";
import { adminPlan, planUpdate, requirePlan } from "../../../billing/plans";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import { logError } from "../../../observability/log";
import { dropRoomCaches } from "../../../room/caches";
import { createRouter } from "../../router";
import { billingOverviewRoute, grantPlanRoute, updatePlanRoute } from "./billing-routes";

export const billingAdmin = createRouter()
  .openapi(billingOverviewRoute, async (c) => {
    return c.json(await billingOverview(database(c.env.DB), getConfig(c.env)), 200);
  })
  .openapi(updatePlanRoute, async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    await requirePlan(db, id);
    const [[row]] = await db.batch([
      planUpdate(db, id, change),
      auditInsert(db, { actor: actorOf(c), action: "plan.update", target: id, detail: change }),
    ]);
    // Everyone on the plan is admitted under its new terms from their very next turn.
    await dropRoomCaches(c.env);
    return c.json(adminPlan(row!), 200);
  })
  .openapi(grantPlanRoute, async (c) => {
    const db = database(c.env.DB);
    const userId = c.req.valid("param").id;
    const changed = await grantPlan(db, getConfig(c.env), {
      userId,
      planId: c.req.valid("json").plan,
      actor: actorOf(c),
    });
    if (changed) {
      await notifyPlanChange(c.env, userId).catch((cause: unknown) =>
        logError("plan_notify_failed", { userId, cause }),
      );
    }
    return c.body(null, 204);
  });
