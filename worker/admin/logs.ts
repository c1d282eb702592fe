/**
 * What went wrong lately, for the admin: prompts that moderation refused and answers it flagged,
 * and answers that failed upstream (provider, model, error code and the provider's message —
 * never what anyone wrote).
 */
import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/queries";
import { conversations, messages, moderationEvents, users } from "../db/schema";
import type { ModerationEntry, UpstreamError } from "#protocol/admin";
import type { Cursor } from "./cursor";
import { billedTo } from "./users";

export async function listModeration(
  db: Db,
  { limit, before }: { limit: number; before?: Cursor },
): Promise<ModerationEntry[]> {
  return db
    .select({
      id: moderationEvents.id,
      createdAt: moderationEvents.createdAt,
      userId: moderationEvents.userId,
      email: users.email,
      conversationId: moderationEvents.conversationId,
      messageId: moderationEvents.messageId,
      direction: moderationEvents.direction,
      action: moderationEvents.action,
      check: moderationEvents.check,
      category: moderationEvents.category,
      excerpt: moderationEvents.excerpt,
    })
    .from(moderationEvents)
    .leftJoin(users, eq(users.id, moderationEvents.userId))
    .where(
      before
        ? or(
            lt(moderationEvents.createdAt, before.createdAt),
            and(eq(moderationEvents.createdAt, before.createdAt), lt(moderationEvents.id, before.id)),
          )
        : undefined,
    )
    .orderBy(desc(moderationEvents.createdAt), desc(moderationEvents.id))
    .limit(limit);
}

/** Failed answers, newest first. Only metadata columns are read: no prompt or answer text. */
export async function listUpstreamErrors(
  db: Db,
  { limit, before }: { limit: number; before?: Cursor },
): Promise<UpstreamError[]> {
  return db
    .select({
      id: messages.id,
      createdAt: messages.createdAt,
      conversationId: messages.conversationId,
      userId: billedTo,
      provider: messages.provider,
      model: messages.model,
      code: messages.errorCode,
      message: messages.errorMessage,
    })
    .from(messages)
    .innerJoin(conversations, eq(messages.conversationId, conversations.id))
    .where(
      and(
        eq(messages.role, "assistant"),
        eq(messages.status, "error"),
        before
          ? or(
              lt(messages.createdAt, before.createdAt),
              and(eq(messages.createdAt, before.createdAt), lt(messages.id, before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
}
