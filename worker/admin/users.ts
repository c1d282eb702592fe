/**
 * People, for the admin: search (accounts and guests share `users`), this month's usage, bans and
 * personal limit overrides. Usage counts the answers Parley paid for (not those paid with a
 * person's own key), as the quotas do.
 */
import { and, desc, eq, gte, inArray, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/queries";
import { conversations, messages, users, type User } from "../db/schema";
import { monthRange } from "../db/usage";
import type { AdminUser, UsageSummary } from "#protocol/admin";
import type { Cursor } from "./cursor";

/** Who an answer is billed to: its author, or for older rows the conversation's owner. */
export const billedTo = sql<string>`coalesce(${messages.authorId}, ${conversations.ownerId})`;

/** The conditions of a server-paid answer in [start, end). */
export function paidAnswersBetween(start: number, end: number): SQL | undefined {
  return and(
    eq(messages.role, "assistant"),
    isNotNull(messages.outputTokens),
    eq(messages.ownKey, false),
    gte(messages.createdAt, start),
    lt(messages.createdAt, end),
  );
}

export const usageColumns = {
  answers: sql<number>`count(*)`,
  tokens: sql<number>`coalesce(sum(${messages.inputTokens}), 0) + coalesce(sum(${messages.outputTokens}), 0)`,
  costUsd: sql<number>`coalesce(sum(${messages.costUsd}), 0)`,
};

export const roundCost = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** Month usage for a page of people (at most 100 ids: D1's bound-parameter limit). */
async function monthUsageOf(db: Db, ids: string[], now: Date): Promise<Map<string, UsageSummary>> {
  if (ids.length === 0) return new Map();
  const range = monthRange(now);
  const rows = await db
    .select({ userId: billedTo, ...usageColumns })
    .from(messages)
    .innerJoin(conversations, eq(messages.conversationId, conversations.id))
    .where(and(paidAnswersBetween(range.start, range.end), inArray(billedTo, ids)))
    .groupBy(billedTo);
  return new Map(
    rows.map((row) => [
      row.userId,
      { answers: row.answers, tokens: row.tokens, costUsd: roundCost(row.costUsd) },
    ]),
  );
}

function toAdminUser(row: User, usage: UsageSummary | undefined): AdminUser {
  return {
    id: row.id,
    kind: row.kind,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    emailVerified: row.emailVerifiedAt !== null,
    bannedAt: row.bannedAt,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    limits: {
      rateLimit: row.rateLimit,
      rateWindowSeconds: row.rateWindowSeconds,
      monthlyTokens: row.monthlyTokens,
      monthlyCostUsd: row.monthlyCostUsd,
    },
    usage: usage ?? { answers: 0, tokens: 0, costUsd: 0 },
    plan: { id: row.planId, source: row.planSource },
  };
}

/**
 * People matching `q` (part of an email, or the start of an id), newest first. An admin search
 * is rare, so a scan of `users` is acceptable; the page is small.
 */
export async function searchUsers(
  db: Db,
  options: { q?: string; kind?: User["kind"]; limit: number; before?: Cursor },
  now = new Date(),
): Promise<AdminUser[]> {
  const q = options.q?.trim().toLowerCase();
  const rows = await db
    .select()
    .from(users)
    .where(
      and(
        q
          ? or(
              sql`instr(lower(coalesce(${users.email}, '')), ${q}) > 0`,
              sql`substr(${users.id}, 1, ${q.length}) = ${q}`,
            )
          : undefined,
        options.kind ? eq(users.kind, options.kind) : undefined,
        options.before
          ? or(
              lt(users.createdAt, options.before.createdAt),
              and(eq(users.createdAt, options.before.createdAt), lt(users.id, options.before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(options.limit);
  const usage = await monthUsageOf(
    db,
    rows.map((row) => row.id),
    now,
  );
  return rows.map((row) => toAdminUser(row, usage.get(row.id)));
}

export async function findAdminUser(db: Db, id: string, now = new Date()): Promise<AdminUser | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!row) return undefined;
  return toAdminUser(row, (await monthUsageOf(db, [id], now)).get(id));
}

/** The update that bans (a time) or unbans (null) a person, to batch with its audit entry. */
export function banUpdate(db: Db, id: string, bannedAt: number | null) {
  return db.update(users).set({ bannedAt }).where(eq(users.id, id));
}

/** The update that replaces a person's limit overrides (null: the tier's limit applies). */
export function limitsUpdate(db: Db, id: string, limits: AdminUser["limits"]) {
  return db.update(users).set(limits).where(eq(users.id, id));
}
