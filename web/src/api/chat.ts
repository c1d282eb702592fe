/**
 * The calls the chat page makes from its first chunk: who this browser is, the models it may use,
 * the conversation list and one conversation (`/api/v1/session`, `/models`, `/conversations`).
 */
import type { ChatMessage } from "#protocol/messages";
import type { ConversationSummary, ModelInfo, SessionUser } from "#protocol/http";
import { request } from "./client.ts";
// Stand-ins for the schemas: zod loads as its own chunk (lazy-schemas.ts), request() waits for it.
import {
  conversationAnswerSchema,
  conversationDetailSchema,
  conversationListSchema,
  modelListSchema,
  noContentSchema,
  userAnswerSchema,
} from "../lazy-schemas.ts";

/** Who the cookie says this browser is (a guest until someone signs in). */
export async function getSession(): Promise<SessionUser> {
  return (await request("/api/v1/session", userAnswerSchema)).user;
}

/** A model as the caller may use it: `requiresPlan` names the plan it needs when theirs leaves it out. */
export type ListedModel = ReturnType<typeof modelListSchema.parse>["models"][number];

export async function listModels(): Promise<ListedModel[]> {
  return (await request("/api/v1/models", modelListSchema)).models;
}

/** The model is listed, but the person's plan leaves it out (sending with it is refused). */
export const needsUpgrade = (model: ModelInfo & { requiresPlan?: unknown }): boolean =>
  model.requiresPlan != null;

export async function listConversations(): Promise<ConversationSummary[]> {
  return (await request("/api/v1/conversations", conversationListSchema)).conversations;
}

/** Starts a conversation; with `id` (a UUID made here) under that id, so asking again is safe. */
export async function createConversation(model?: string, id?: string): Promise<ConversationSummary> {
  const body = JSON.stringify({ ...(id ? { id } : {}), ...(model ? { model } : {}) });
  return (await request("/api/v1/conversations", conversationAnswerSchema, { method: "POST", body }))
    .conversation;
}

/** A chat and its messages; `share`: read through that link (someone else's chat). */
export async function getConversation(
  id: string,
  share?: string,
): Promise<{ conversation: ConversationSummary; messages: ChatMessage[] }> {
  const query = share ? `?share=${encodeURIComponent(share)}` : "";
  return request(`/api/v1/conversations/${encodeURIComponent(id)}${query}`, conversationDetailSchema);
}

export async function updateConversation(
  id: string,
  patch: { title?: string; pinned?: boolean },
): Promise<ConversationSummary> {
  return (
    await request(`/api/v1/conversations/${encodeURIComponent(id)}`, conversationAnswerSchema, {
      method: "PATCH",
      body: JSON.stringify(patch),
    })
  ).conversation;
}

export async function deleteConversation(id: string): Promise<void> {
  await request(`/api/v1/conversations/${encodeURIComponent(id)}`, noContentSchema, { method: "DELETE" });
}
