/** Message rows for tests of the pure tree and turn rules: every column at a plain default. */
import type { Message } from "../../worker/db/schema";

export function messageRow(fields: Partial<Message> & Pick<Message, "id" | "role">): Message {
  return {
    conversationId: "c1",
    position: 0,
    parentId: null,
    authorId: null,
    content: `text of ${fields.id}`,
    reasoning: "",
    model: null,
    provider: null,
    status: "complete",
    finishReason: null,
    errorCode: null,
    errorMessage: null,
    inputTokens: null,
    outputTokens: null,
    cachedInputTokens: null,
    reasoningTokens: null,
    costUsd: null,
    ownKey: false,
    deletedAt: null,
    toolCalls: null,
    createdAt: 0,
    updatedAt: 0,
    ...fields,
  };
}
