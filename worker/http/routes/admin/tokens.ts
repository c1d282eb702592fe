/** A person's personal access tokens, for the admin: list them, revoke any of them (audited). */
import { actorOf } from "../../../admin/access";
import { auditInsert } from "../../../admin/audit";
import { findUser } from "../../../auth/accounts";
import { findLiveToken, listTokensForAdmin, revokeStatement } from "../../../compat/tokens";
import { database } from "../../../db/queries";
import { AppError } from "../../../errors";
import { createRouter } from "../../router";
import { adminRevokeTokenRoute, listUserTokensRoute } from "./token-routes";

export const tokenAdmin = createRouter()
  .openapi(listUserTokensRoute, async (c) => {
    const db = database(c.env.DB);
    const user = await findUser(db, c.req.valid("param").id);
    if (!user) throw new AppError(404, "not_found", "No such person.");
    return c.json({ tokens: await listTokensForAdmin(db, user.id) }, 200);
  })
  .openapi(adminRevokeTokenRoute, async (c) => {
    const db = database(c.env.DB);
    const token = await findLiveToken(db, c.req.valid("param").id);
    if (!token) throw new AppError(404, "not_found", "No active token with that id.");
    // The revocation and its record land together, or neither does.
    await db.batch([
      revokeStatement(db, token.id),
      auditInsert(db, {
        actor: actorOf(c),
        action: "token.revoke",
        target: token.id,
        detail: { userId: token.userId, name: token.name, prefix: token.prefix },
      }),
    ]);
    return c.body(null, 204);
  });
