/**
 * Shared builders for the room reducer tests: messages, people and server frames of one room, and
 * `run`, which feeds frames (or local actions) through the reducer and collects what it sends out.
 */
import type { ChatMessage } from "#protocol/messages";
import type { ClientFrame, Person, ServerFrame } from "#protocol/frames";
import { roomReducer } from "./reducer.ts";
import { initialRoomState, type RoomAction, type RoomState } from "./state.ts";

export const CONV = "conv-1";

export function message(partial: Partial<ChatMessage> & Pick<ChatMessage, "id" | "role">): ChatMessage {
  return {
    conversationId: CONV,
    content: "",
    reasoning: "",
    model: partial.role === "assistant" ? "parley-demo" : null,
    status: "complete",
    finishReason: null,
    error: null,
    usage: null,
    createdAt: 1,
    parentId: null,
    ...partial,
  };
}

export function person(partial: Partial<Person> & Pick<Person, "id">): Person {
  return { name: "Guest", kind: "guest", role: "owner", devices: 1, typing: false, ...partial };
}

export const SELF = { id: "me", role: "owner" as const };

export function delta(
  messageId: string,
  offset: number,
  text: string,
  reasoningOffset = 0,
  reasoning = "",
): ServerFrame {
  return { type: "delta", messageId, offset, text, reasoningOffset, reasoning };
}

export function snapshot(
  messages: ChatMessage[],
  live: Extract<ServerFrame, { type: "snapshot" }>["live"] = null,
  version = "b00t.0",
): ServerFrame {
  return {
    type: "snapshot",
    conversationId: CONV,
    title: "Hello",
    messages,
    live,
    viewers: 1,
    self: SELF,
    people: [person({ id: "me" })],
    version,
  };
}

export function path(messages: ChatMessage[]): ServerFrame {
  return { type: "path", messages };
}

const LOCAL_ACTIONS = new Set<string>([
  "frame",
  "history",
  "optimistic-send",
  "optimistic-edit",
  "expire-typing",
  "disconnected",
  "dismiss-error",
  "discard-failed",
]);

function isLocalAction(item: ServerFrame | RoomAction): item is RoomAction {
  return LOCAL_ACTIONS.has(item.type);
}

/** Runs frames (or local actions) through the reducer, collecting every outgoing client frame. */
export function run(state: RoomState, ...items: (ServerFrame | RoomAction)[]) {
  const out: ClientFrame[] = [];
  const warnings: string[] = [];
  for (const item of items) {
    const action: RoomAction = isLocalAction(item) ? item : { type: "frame", frame: item };
    const result = roomReducer(state, action);
    state = result.state;
    out.push(...result.out);
    warnings.push(...result.warnings);
  }
  return { state, out, warnings };
}

export const user = message({ id: "u1", role: "user", content: "Hi", createdAt: 1 });
export const streaming = message({
  id: "a1",
  role: "assistant",
  status: "streaming",
  createdAt: 2,
  parentId: "u1",
});

export function streamingRoom(content = ""): RoomState {
  return run(initialRoomState(CONV), snapshot([user, { ...streaming, content }])).state;
}

export const text = (state: RoomState, id = "a1") => state.messages.find((m) => m.id === id)?.content;
