/**
 * Usage and cost over the last N days (UTC), by day, by model and by person, read back from the
 * answers that incurred them (each stores its tokens and its cost, priced when it finished).
 * Only answers Parley paid for count: those made with a person's own key cost the operator nothing.
 * Calls Parley makes on its own account (titles) are reported apart, as `operator`.
 */
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../db/queries";
import { conversations, messages, operatorUsage, users } from "../db/schema";
import type { UsageReport, UsageSummary } from "#protocol/admin";
import { billedTo, paidAnswersBetween, roundCost, usageColumns } from "./users";

const DAY_MS = 24 * 60 * 60 * 1000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const rounded = <T extends UsageSummary>(row: T): T => ({ ...row, costUsd: roundCost(row.costUsd) });

export async function usageReport(db: Db, days: number, now = Date.now()): Promise<UsageReport> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const start = today - (days - 1) * DAY_MS;
  const end = today + DAY_MS;
  const where = paidAnswersBetween(start, end);
  const day = sql<string>`strftime('%Y-%m-%d', ${messages.createdAt} / 1000, 'unixepoch')`;

  const [dayRows, modelRows, userRows, [operator]] = await Promise.all([
    db
      .select({ day, ...usageColumns })
      .from(messages)
      .innerJoin(conversations, eq(messages.conversationId, conversations.id))
      .where(where)
      .groupBy(day),
    db
      .select({ model: sql<string>`coalesce(${messages.model}, 'unknown')`, ...usageColumns })
      .from(messages)
      .innerJoin(conversations, eq(messages.conversationId, conversations.id))
      .where(where)
      .groupBy(messages.model)
      .orderBy(desc(usageColumns.costUsd), desc(usageColumns.tokens)),
    db
      .select({ userId: billedTo, email: users.email, kind: users.kind, ...usageColumns })
      .from(messages)
      .innerJoin(conversations, eq(messages.conversationId, conversations.id))
      .leftJoin(users, eq(users.id, billedTo))
      .where(where)
      .groupBy(billedTo)
      .orderBy(desc(usageColumns.costUsd), desc(usageColumns.tokens))
      .limit(10),
    db
      .select({
        answers: sql<number>`count(*)`,
        tokens: sql<number>`coalesce(sum(${operatorUsage.inputTokens} + ${operatorUsage.outputTokens}), 0)`,
        costUsd: sql<number>`coalesce(sum(${operatorUsage.costUsd}), 0)`,
      })
      .from(operatorUsage)
      .where(and(gte(operatorUsage.createdAt, start), lt(operatorUsage.createdAt, end))),
  ]);

  const perDay = new Map(dayRows.map((row) => [row.day, row]));
  const byDay: UsageReport["byDay"] = [];
  for (let at = start; at < end; at += DAY_MS) {
    const key = isoDay(at);
    const row = perDay.get(key);
    byDay.push({
      day: key,
      answers: row?.answers ?? 0,
      tokens: row?.tokens ?? 0,
      costUsd: roundCost(row?.costUsd ?? 0),
    });
  }
  const total = byDay.reduce<UsageSummary>(
    (sum, row) => ({
      answers: sum.answers + row.answers,
      tokens: sum.tokens + row.tokens,
      costUsd: sum.costUsd + row.costUsd,
    }),
    { answers: 0, tokens: 0, costUsd: 0 },
  );
  return {
    days,
    from: isoDay(start),
    to: isoDay(today),
    total: rounded(total),
    byDay,
    byModel: modelRows.map(rounded),
    operator: rounded(operator ?? { answers: 0, tokens: 0, costUsd: 0 }),
    topUsers: userRows.map(rounded),
  };
}
