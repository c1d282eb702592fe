/**
 * The frames that bring whole messages: `message` (one stored message, replacing its optimistic
 * bubble), `snapshot` (the room's state on connect, continuing the streaming answer from `live`)
 * and `path` (the visible branch changed). Each keeps the streamed text and the optimistic sends we
 * hold that the server's list does not know about yet.
 */
import type { ChatMessage } from "#protocol/messages";
import type { ClientFrame, LiveMessage, ServerFrame } from "#protocol/frames";
import { keepLongerText, mergeChunk, replaceAt, requestResume, withHeldToolCalls } from "./offsets.ts";
import type { RoomMessage, RoomState } from "./reducer.ts";
import { placeholder } from "./streaming.ts";

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

function mergeLive(
  state: RoomState,
  messages: RoomMessage[],
  live: LiveMessage,
  previous: RoomMessage | undefined,
  out: ClientFrame[],
): { messages: RoomMessage[]; resumeRequested: Readonly<Record<string, string>> } {
  let index = messages.findIndex((m) => m.id === live.messageId);
  if (index < 0) {
    messages = [...messages, previous ?? placeholder(state, live.messageId)];
    index = messages.length - 1;
  }
  const snap = messages[index]!;
  // Snapshot text and our text are both prefixes of the same answer: start from the longer one
  // (after a `?resume=` reconnect the snapshot may hold less than we do).
  const base: RoomMessage = {
    ...withHeldToolCalls(snap, previous),
    content: previous && previous.content.length > snap.content.length ? previous.content : snap.content,
    reasoning:
      previous && previous.reasoning.length > snap.reasoning.length ? previous.reasoning : snap.reasoning,
  };
  const { message, gap } = mergeChunk(base, live);
  messages = replaceAt(messages, index, message);
  if (gap) return { messages, resumeRequested: requestResume(state, message, out) };
  return { messages, resumeRequested: state.resumeRequested };
}

/**
 * The messages we hold that come before `first` on its branch, oldest first: followed from
 * `first.parentId` upwards through what we hold, stopping where the chain breaks. A snapshot only
 * carries the latest part of the branch; this keeps the older part without mixing in another branch.
 */
function heldAncestors(held: readonly RoomMessage[], first: ChatMessage | undefined): RoomMessage[] {
  if (!first) return [];
  const byId = new Map(held.filter((m) => !m.pending).map((m) => [m.id, m]));
  const chain: RoomMessage[] = [];
  const seen = new Set<string>();
  let parentId = first.parentId;
  while (parentId !== null && !seen.has(parentId)) {
    seen.add(parentId);
    const parent = byId.get(parentId);
    if (!parent) break;
    chain.push(parent);
    parentId = parent.parentId;
  }
  return chain.reverse();
}

/**
 * Optimistic sends still waiting for their echo, unless `incoming` already holds a new user message
 * with the same text (the echo was lost while we were away). Optimistic edits are always dropped:
 * the `path` that answers them replaces the list.
 */
function waitingSends(state: RoomState, incoming: readonly ChatMessage[]): RoomMessage[] {
  const held = new Set(state.messages.map((m) => m.id));
  const fresh = incoming.filter((m) => m.role === "user" && !held.has(m.id));
  return state.messages.filter(
    (m) => m.pending && m.editOf === undefined && !fresh.some((f) => f.content === m.content),
  );
}

export function onSnapshot(
  state: RoomState,
  frame: Extract<ServerFrame, { type: "snapshot" }>,
  out: ClientFrame[],
): RoomState {
  const previousById = new Map(state.messages.map((m) => [m.id, m]));
  const snapshotIds = new Set(frame.messages.map((m) => m.id));
  // Older history we already hold on the same branch, which the snapshot's tail no longer includes.
  const older = heldAncestors(state.messages, frame.messages[0]).filter((m) => !snapshotIds.has(m.id));
  const pending = waitingSends(state, frame.messages);
  const base = { ...state, resumeRequested: {} };
  let messages: RoomMessage[] = [...older, ...frame.messages];
  let resumeRequested: Readonly<Record<string, string>> = {};
  if (frame.live) {
    const merged = mergeLive(base, messages, frame.live, previousById.get(frame.live.messageId), out);
    messages = merged.messages;
    resumeRequested = merged.resumeRequested;
  }
  return {
    ...state,
    title: frame.title,
    viewers: frame.viewers,
    self: frame.self,
    people: frame.people,
    messages: [...messages, ...pending],
    beforeEdit: null,
    synced: true,
    resumeRequested,
  };
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
