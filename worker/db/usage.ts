/**
 * Usage and cost read back from the messages that incurred them. Every assistant message stores
 * its tokens and its cost, priced once when it finished, so totals never change when prices do.
 */
import { and, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "./queries";
import { conversations, messages } from "./schema";
import type { UsageTotals } from "#protocol/http";

const totals = {
  answers: sql<number>`count(*)`,
  inputTokens: sql<number>`coalesce(sum(${messages.inputTokens}), 0)`,
  cachedInputTokens: sql<number>`coalesce(sum(${messages.cachedInputTokens}), 0)`,
  outputTokens: sql<number>`coalesce(sum(${messages.outputTokens}), 0)`,
  reasoningTokens: sql<number>`coalesce(sum(${messages.reasoningTokens}), 0)`,
  costUsd: sql<number>`coalesce(sum(${messages.costUsd}), 0)`,
};

/** The calendar month (UTC) containing `at`, as [start, end) in epoch milliseconds. */
export function monthRange(at: Date): { month: string; start: number; end: number } {
  const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return { month: new Date(start).toISOString().slice(0, 7), start, end };
}

function round(t: UsageTotals): UsageTotals {
  return { ...t, costUsd: Math.round(t.costUsd * 1e8) / 1e8 };
}

function usageOf(userId: string, range: { start: number; end: number }, serverPaidOnly: boolean) {
  // An answer is billed to whoever asked for it (a collaborator in a shared room, say); answers
  // written before authors were recorded belong to the conversation's owner.
  return and(
    sql`coalesce(${messages.authorId}, ${conversations.ownerId}) = ${userId}`,
    eq(messages.role, "assistant"),
    isNotNull(messages.outputTokens),
    gte(messages.createdAt, range.start),
    lt(messages.createdAt, range.end),
    // What the quota counts: not answers paid with the person's own key, nor the demo's (free).
    serverPaidOnly ? eq(messages.ownKey, false) : undefined,
    serverPaidOnly ? sql`coalesce(${messages.provider}, '') <> 'demo'` : undefined,
  );
}

/**
 * A user's total usage in `range` (one statement; what the quota check needs, with
 * `serverPaidOnly`: without their own-key answers and the demo model's).
 */
export async function userMonthTotal(
  db: Db,
  userId: string,
  range: { start: number; end: number },
  { serverPaidOnly = false }: { serverPaidOnly?: boolean } = {},
): Promise<UsageTotals> {
  return totalFrom(await userMonthTotalQuery(db, userId, range, { serverPaidOnly }));
}

/** The query behind `userMonthTotal`, for a D1 batch; `totalFrom` reads its result. */
export function userMonthTotalQuery(
  db: Db,
  userId: string,
  range: { start: number; end: number },
  { serverPaidOnly = false }: { serverPaidOnly?: boolean } = {},
) {
  return db
    .select(totals)
    .from(messages)
    .innerJoin(conversations, eq(messages.conversationId, conversations.id))
    .where(usageOf(userId, range, serverPaidOnly));
}

export function totalFrom(rows: readonly UsageTotals[]): UsageTotals {
  return round(rows[0] ?? emptyTotals());
}

/** A user's usage in `range`, also per model; `serverPaidOnly` as for `userMonthTotal`. */
export async function userMonthUsage(
  db: Db,
  userId: string,
  range: { start: number; end: number },
  { serverPaidOnly = false }: { serverPaidOnly?: boolean } = {},
): Promise<{ total: UsageTotals; byModel: Array<UsageTotals & { model: string }> }> {
  const [total, byModel] = await Promise.all([
    userMonthTotal(db, userId, range, { serverPaidOnly }),
    db
      .select({ ...totals, model: messages.model })
      .from(messages)
      .innerJoin(conversations, eq(messages.conversationId, conversations.id))
      .where(usageOf(userId, range, serverPaidOnly))
      .groupBy(messages.model),
  ]);
  return {
    total,
    byModel: byModel.map((row) => ({ ...round(row), model: row.model ?? "unknown" })),
  };
}

export async function conversationUsage(db: Db, conversationId: string): Promise<UsageTotals> {
  const [row] = await db
    .select(totals)
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.role, "assistant"),
        isNotNull(messages.outputTokens),
      ),
    );
  return round(row ?? emptyTotals());
}

function emptyTotals(): UsageTotals {
  return {
    answers: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
  };
}
