/**
 * The `snapshot` frame: the room's state on (re)connect. It replaces the messages it carries,
 * keeps the older part of the same branch we already hold and the optimistic sends still waiting,
 * and continues the streaming answer from its `live` part with the offset rule (./offsets.ts).
 */
import type { ChatMessage } from "#protocol/messages";
import type { ClientFrame, LiveMessage, ServerFrame } from "#protocol/frames";
import { mergeChunk, replaceAt, requestResume, withHeldToolCalls } from "./offsets.ts";
import { waitingSends } from "./message-list.ts";
import type { RoomMessage, RoomState } from "./state.ts";
import { placeholder } from "./streaming.ts";

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
