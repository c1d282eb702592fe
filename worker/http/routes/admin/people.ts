/** People for the admin: search, one person, their own limits, bans. */
import { actorOf } from "../../../admin/access";
import { auditInsert } from "../../../admin/audit";
import { closeBannedSockets, forgetBan } from "../../../auth/bans";
import { nextCursor } from "../../../admin/cursor";
import { banUpdate, findAdminUser, limitsUpdate, searchUsers } from "../../../admin/users";
import { database } from "../../../db/queries";
import type { AdminUser } from "#protocol/admin";
import { AppError } from "../../../errors";
import { dropRoomCaches } from "../../../room/caches";
import { createRouter } from "../../router";
import { banUserRoute, getUserRoute, listUsersRoute, setUserLimitsRoute, unbanUserRoute } from "./routes";

async function existingUser(env: Env, id: string): Promise<AdminUser> {
  const user = await findAdminUser(database(env.DB), id);
  if (!user) throw new AppError(404, "not_found", "No such person.");
  return user;
}

export const peopleAdmin = createRouter()
  .openapi(listUsersRoute, async (c) => {
    const query = c.req.valid("query");
    const users = await searchUsers(database(c.env.DB), {
      limit: query.limit,
      ...(query.q ? { q: query.q } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.cursor ? { before: query.cursor } : {}),
    });
    return c.json({ users, nextCursor: nextCursor(users, query.limit) }, 200);
  })
  .openapi(getUserRoute, async (c) =>
    c.json({ user: await existingUser(c.env, c.req.valid("param").id) }, 200),
  )
  /** Replaces a person's overrides: each field a number, or null (or left out) for the tier's limit. */
  .openapi(setUserLimitsRoute, async (c) => {
    const body = c.req.valid("json");
    const user = await existingUser(c.env, c.req.valid("param").id);
    const limits = {
      rateLimit: body.rateLimit ?? null,
      rateWindowSeconds: body.rateWindowSeconds ?? null,
      monthlyTokens: body.monthlyTokens ?? null,
      monthlyCostUsd: body.monthlyCostUsd ?? null,
    };
    const db = database(c.env.DB);
    await db.batch([
      limitsUpdate(db, user.id, limits),
      auditInsert(db, {
        actor: actorOf(c),
        action: "user.limits",
        target: user.id,
        detail: { email: user.email, before: user.limits, after: limits },
      }),
    ]);
    await dropRoomCaches(c.env, { userId: user.id });
    return c.json({ user: { ...user, limits } }, 200);
  })
  .openapi(banUserRoute, async (c) => {
    const user = await existingUser(c.env, c.req.valid("param").id);
    const actor = actorOf(c);
    if (actor === user.id) throw new AppError(400, "invalid_request", "You cannot ban yourself.");
    const bannedAt = user.bannedAt ?? Date.now();
    const db = database(c.env.DB);
    await db.batch([
      banUpdate(db, user.id, bannedAt),
      auditInsert(db, {
        actor,
        action: "user.ban",
        target: user.id,
        detail: { email: user.email, kind: user.kind },
      }),
    ]);
    // Sockets already open close now, wherever they are.
    await closeBannedSockets(c.env, user.id);
    return c.json({ user: { ...user, bannedAt } }, 200);
  })
  .openapi(unbanUserRoute, async (c) => {
    const user = await existingUser(c.env, c.req.valid("param").id);
    const db = database(c.env.DB);
    await db.batch([
      banUpdate(db, user.id, null),
      auditInsert(db, {
        actor: actorOf(c),
        action: "user.unban",
        target: user.id,
        detail: { email: user.email, kind: user.kind },
      }),
    ]);
    await forgetBan(c.env, user.id);
    return c.json({ user: { ...user, bannedAt: null } }, 200);
  });
