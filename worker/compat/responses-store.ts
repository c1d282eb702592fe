/**
 * Stored responses: a response id names an answer message (`resp_<message id>`), so looking one
 * up is reading that message and checking its conversation belongs to the caller. Someone else's
 * response, a deleted one and one that never existed all read as the same "not found": the answer
 * does not tell whether an id exists.
 */
import { and, eq, isNull } from "drizzle-orm";
import { database } from "../db/queries";
import { conversations, messages } from "../db/schema";
import { CompatError } from "./errors";
import { messageIdOf, type StoredAnswer } from "./openai-responses";

export interface OwnedAnswer extends StoredAnswer {
  conversationId: string;
  /** The answer the conversation's branch ends on (null: its newest message). */
  activeLeafId: string | null;
}

/** OpenAI's 404 for an unknown response, naming the field that carried the id. */
export function responseNotFound(responseId: string, param: string | null = null): CompatError {
  const what = param === "previous_response_id" ? "Previous response" : "Response";
  return new CompatError(
    404,
    "invalid_request_error",
    null,
    `${what} with id '${responseId}' not found.`,
    param,
  );
}

/** The caller's stored answer that `responseId` names, or a 404 refusal. */
export async function findOwnedAnswer(
  env: Env,
  userId: string,
  responseId: string,
  param: string | null = null,
): Promise<OwnedAnswer> {
  const messageId = messageIdOf(responseId);
  if (!messageId) throw responseNotFound(responseId, param);
  const [row] = await database(env.DB)
    .select({
      message: {
        id: messages.id,
        content: messages.content,
        reasoning: messages.reasoning,
        model: messages.model,
        status: messages.status,
        finishReason: messages.finishReason,
        errorCode: messages.errorCode,
        errorMessage: messages.errorMessage,
        inputTokens: messages.inputTokens,
        outputTokens: messages.outputTokens,
        cachedInputTokens: messages.cachedInputTokens,
        reasoningTokens: messages.reasoningTokens,
        costUsd: messages.costUsd,
        toolCalls: messages.toolCalls,
        callSettings: messages.callSettings,
        deltaMarks: messages.deltaMarks,
        createdAt: messages.createdAt,
      },
      conversationId: conversations.id,
      systemPrompt: conversations.systemPrompt,
      activeLeafId: conversations.activeLeafId,
    })
    .from(messages)
    .innerJoin(conversations, eq(messages.conversationId, conversations.id))
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.role, "assistant"),
        isNull(messages.deletedAt),
        eq(conversations.ownerId, userId),
        isNull(conversations.deletedAt),
      ),
    )
    .limit(1);
  if (!row) throw responseNotFound(responseId, param);
  return row;
}
