/** Pushes a change in someone's history to all of their devices through their UserHub. */
import { getServerByName } from "partyserver";
import type { ConversationSummary } from "#protocol/http";

export async function notifyConversation(env: Env, ownerId: string, conversation: ConversationSummary) {
  const hub = await getServerByName(env.UserHub, ownerId);
  await hub.conversationChanged(conversation);
}

export async function notifyDeleted(env: Env, ownerId: string, conversationId: string) {
  const hub = await getServerByName(env.UserHub, ownerId);
  await hub.conversationDeleted(conversationId);
}
