/** What answers cost: the caller's month, and one conversation's total (its owner only). */
import { authorize } from "../../../auth/policy";
import { database } from "../../../db/queries";
import { conversationUsage, monthRange, userMonthUsage } from "../../../db/usage";
import { createRouter } from "../../router";
import { conversationUsageRoute, monthUsageRoute } from "./routes";

export const usageRoutes = createRouter()
  .openapi(monthUsageRoute, async (c) => {
    const range = monthRange(new Date());
    const usage = await userMonthUsage(database(c.env.DB), c.get("identity").userId, range);
    return c.json({ month: range.month, ...usage }, 200);
  })
  .openapi(conversationUsageRoute, async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { conversation } = await authorize(db, id, c.get("identity").userId, "manage");
    return c.json({ usage: await conversationUsage(db, conversation.id) }, 200);
  });
