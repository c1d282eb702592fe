/**
 * The audit log: one row per change made through the admin API, written in the same D1 batch as
 * the change itself, so there is never a change without its record (or a record of a change that
 * did not happen).
 */
import { and, desc, lt, or, eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { auditLog, users } from "../db/schema";
import type { AuditEntry } from "#protocol/admin";

export type AuditAction =
  | "model.update"
  | "settings.default_model"
  | "settings.limits"
  | "settings.output_moderation"
  | "user.limits"
  | "user.ban"
  | "user.unban"
  | "token.revoke"
  | "plan.update"
  | "user.plan";

/** The insert for one entry, to put in the batch that makes the change. */
export function auditInsert(
  db: Db,
  entry: { actor: string; action: AuditAction; target: string; detail: unknown },
  now = Date.now(),
) {
  return db.insert(auditLog).values({
    id: crypto.randomUUID(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    detail: JSON.stringify(entry.detail ?? {}),
    createdAt: now,
  });
}

function parseDetail(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Newest first; `before` is the `createdAt.id` cursor of the last entry of the previous page. */
export async function listAudit(
  db: Db,
  { limit, before }: { limit: number; before?: { createdAt: number; id: string } },
): Promise<AuditEntry[]> {
  const rows = await db
    .select({
      id: auditLog.id,
      actor: auditLog.actor,
      actorEmail: users.email,
      action: auditLog.action,
      target: auditLog.target,
      detail: auditLog.detail,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actor))
    .where(
      before
        ? or(
            lt(auditLog.createdAt, before.createdAt),
            and(eq(auditLog.createdAt, before.createdAt), lt(auditLog.id, before.id)),
          )
        : undefined,
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, detail: parseDetail(row.detail) }));
}
