/**
 * The frames that bring whole messages: `message` (one stored message, replacing its optimistic
 * bubble) and `path` (the visible branch changed); the `snapshot` is in ./snapshot.ts. Each keeps
 * the streamed text and the optimistic sends we hold that the server's list does not know about yet.
 */
import type { ChatMessage } from "#protocol/messages";
import type { ServerFrame } from "#protocol/frames";
import { keepLongerText, replaceAt } from "./offsets.ts";
import type { RoomMessage, RoomState } from "./state.ts";

export function onMessage(state: RoomState, frame: Extract<ServerFrame, { type: "message" }>): RoomState {
  const incoming: RoomMessage = frame.message;
  let messages = state.messages;
  const pendingIndex =
    frame.clientId === undefined ? -1 : messages.findIndex((m) => m.pending && m.clientId === frame.clientId);
  const existingIndex = messages.findIndex((m) => m.id === incoming.id);
  if (existingIndex >= 0) {
    messages = replaceAt(messages, existingIndex, keepLongerText(incoming, messages[existingIndex]));
    if (pendingIndex >= 0) messages = messages.filter((_, i) => i !== pendingIndex);
  } else if (pendingIndex >= 0) {
    messages = replaceAt(messages, pendingIndex, incoming);
  } else {
    messages = [...messages, incoming];
  }
  const error = frame.clientId !== undefined ? null : state.error;
  return { ...state, messages, error };
}

/**
 * Optimistic sends still waiting for their echo, unless `incoming` already holds a new user message
 * with the same text (the echo was lost while we were away). Optimistic edits are always dropped:
 * the `path` that answers them replaces the list.
 */
export function waitingSends(state: RoomState, incoming: readonly ChatMessage[]): RoomMessage[] {
  const held = new Set(state.messages.map((m) => m.id));
  const fresh = incoming.filter((m) => m.role === "user" && !held.has(m.id));
  return state.messages.filter(
    (m) => m.pending && m.editOf === undefined && !fresh.some((f) => f.content === m.content),
  );
}

/** The visible branch changed: take the new list, keeping the streamed text we already hold. */
export function onPath(state: RoomState, frame: Extract<ServerFrame, { type: "path" }>): RoomState {
  const held = new Map(state.messages.map((m) => [m.id, m]));
  const messages: RoomMessage[] = frame.messages.map((m) => keepLongerText(m, held.get(m.id)));
  const ids = new Set(messages.map((m) => m.id));
  const resumeRequested = Object.fromEntries(
    Object.entries(state.resumeRequested).filter(([id]) => ids.has(id)),
  );
  return {
    ...state,
    messages: [...messages, ...waitingSends(state, frame.messages)],
    beforeEdit: null,
    resumeRequested,
  };
}
