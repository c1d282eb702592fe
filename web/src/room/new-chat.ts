/**
 * A new chat before its room exists: the id is made in the browser, the first prompt waits here
 * for the room client (client.ts) to pick it up, and the `POST` that creates the conversation is
 * kept until it answers, so the room client opened meanwhile knows to hold its frames for it.
 */
import type { ConversationSummary } from "#protocol/http";
import { createConversation } from "../api/chat.ts";
import type { SendExtras } from "./commands.ts";

/** A first message typed on `/`, sent as soon as the new conversation's room exists. */
interface FirstMessage {
  content: string;
  model: string;
  extras: SendExtras;
}
const firstMessages = new Map<string, FirstMessage>();

/** Whether a first message waits for this conversation's room (its draft is on its way out). */
export function hasFirstMessage(conversationId: string): boolean {
  return firstMessages.has(conversationId);
}

/** The first message waiting for this conversation's room, handed over once. */
export function takeFirstMessage(conversationId: string): FirstMessage | undefined {
  const first = firstMessages.get(conversationId);
  firstMessages.delete(conversationId);
  return first;
}

function queueFirstMessage(
  conversationId: string,
  content: string,
  model: string,
  extras: SendExtras = {},
): void {
  firstMessages.set(conversationId, { content, model, extras });
}

interface Creation {
  model: string;
  request: Promise<ConversationSummary>;
}
/** New chats whose `POST` this page has sent and not yet heard back about, by their id. */
const creations = new Map<string, Creation>();

/**
 * Starts a new chat under an id made here, so its room can show the first prompt at once: the
 * room's socket waits for the `POST`, and a refused one gives the prompt back (see RoomClient).
 */
export function startConversation(
  content: string,
  model: string,
  extras: SendExtras = {},
): { id: string; created: Promise<ConversationSummary> } {
  const id = crypto.randomUUID();
  queueFirstMessage(id, content, model, extras);
  return { id, created: requestCreation(id, model) };
}

/** The `POST` of a new chat this page is waiting on, if there is one. */
export function creationUnderway(id: string): Creation | undefined {
  return creations.get(id);
}

/** Asks the server for the conversation `id` (again, after a refusal: the same id is safe to repeat). */
export function requestCreation(id: string, model: string): Promise<ConversationSummary> {
  const request = createConversation(model, id);
  creations.set(id, { model, request });
  const forget = () => {
    if (creations.get(id)?.request === request) creations.delete(id);
  };
  request.then(forget, forget);
  return request;
}
