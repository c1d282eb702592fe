/**
 * The state of one conversation room as a pure reducer: server frames (and a few local actions) in,
 * the next state plus the client frames to send out. No DOM, no socket, no clock: unit-testable in
 * Node (tests/e2e/room-reducer.test.ts).
 *
 * The merge rule that keeps streamed text exact (nothing lost, nothing twice):
 * - every message keeps its text; a `delta` says where its text starts (`offset`);
 * - `offset > text.length`: something was missed → ask for `resume {messageId, offset: text.length}`
 *   and drop the frame (the server answers with a delta from that offset);
 * - otherwise append only the part we do not have yet: `text.slice(text.length - offset)`;
 * - a `snapshot` replaces the messages it contains; its `live` part continues the streaming message
 *   from `live.offset` (the full text so far, or only the missed part after a `?resume=` reconnect);
 * - a `path` frame (the visible branch changed) replaces the whole list, but a message that is still
 *   streaming keeps the longer of its two texts, so the deltas that follow still line up;
 * - `done` carries the total length: if we hold less, ask for the rest;
 * - `resumed` (a reconnect that quoted the room's current version) keeps every message and
 *   continues the streaming one from its `offset`, like the snapshot's `live`.
 * Reasoning text follows the same rule with its own offsets (./room-merge.ts has the rule itself,
 * ./room-resume.ts the reconnect).
 *
 * The list is always one branch of the conversation tree (the one the room shows): every message
 * has a `parentId`, and `siblings` when there are alternatives to switch to.
 */
import type { AttachmentInfo, ChatMessage, ErrorInfo, ToolCall } from "#protocol/messages";
import type { ClientFrame, LiveMessage, Person, RoomRoleName, ServerFrame } from "#protocol/frames";
import {
  keepLongerText,
  mergeChunk,
  replaceAt,
  requestResume,
  withHeldToolCalls,
  withoutKey,
} from "./room-merge.ts";
import { onResumed, trackVersion } from "./room-resume.ts";

export { applyChunk } from "./room-merge.ts";
export { reconnectQuery, resumeQuery, streamingMessage } from "./room-resume.ts";

export interface RoomMessage extends ChatMessage {
  /** Optimistic user message not yet confirmed by the server (matched back by `clientId`). */
  pending?: boolean;
  /** The optimistic message was answered by an error frame instead of being stored. */
  failed?: boolean;
  clientId?: string;
  /** An optimistic edit: the id of the prompt it replaces (the server answers with a `path`). */
  editOf?: string;
}

/** This connection as the room sees it: its presence id and what it may do. */
export interface RoomSelf {
  id: string;
  role: RoomRoleName;
}

export interface RoomState {
  conversationId: string;
  title: string | null;
  messages: RoomMessage[];
  viewers: number;
  /** Set by the snapshot: who this connection is in the room (null until then). */
  self: RoomSelf | null;
  /** Everyone here, one entry per person (their devices folded together). */
  people: Person[];
  /** The list before an optimistic edit, put back if the room refuses the edit. */
  beforeEdit: RoomMessage[] | null;
  /** A snapshot arrived on the current connection (so the message list is the server's). */
  synced: boolean;
  /** The last `error` frame, until dismissed or a later successful send. */
  error: ErrorInfo | null;
  /** The conversation was deleted (from this or another device). */
  deleted: boolean;
  /** Outstanding resume requests, message id → "offset:reasoningOffset" (avoids asking twice). */
  resumeRequested: Readonly<Record<string, string>>;
  /** The room version we hold every change of, quoted on reconnect (null: ask for a snapshot). */
  version: string | null;
}

export type RoomAction =
  | { type: "frame"; frame: ServerFrame }
  /** Messages loaded over HTTP before the socket delivered its snapshot. */
  | { type: "history"; title: string; messages: ChatMessage[] }
  | {
      type: "optimistic-send";
      clientId: string;
      content: string;
      model: string;
      now: number;
      /** Files sent with the prompt, shown in the optimistic bubble at once. */
      attachments?: AttachmentInfo[];
    }
  /** The prompt `messageId` was edited: show the new text (and nothing after it) until the `path`. */
  | {
      type: "optimistic-edit";
      messageId: string;
      clientId: string;
      content: string;
      model: string;
      now: number;
    }
  /** Nobody's typing flag was refreshed for a while: clear them (the server may have hibernated). */
  | { type: "expire-typing" }
  | { type: "disconnected" }
  | { type: "dismiss-error" };

export interface ReduceResult {
  state: RoomState;
  /** Frames the caller must send to the server, in order. */
  out: ClientFrame[];
  /** Protocol anomalies worth logging (never expected with a correct server). */
  warnings: string[];
}

export function initialRoomState(conversationId: string): RoomState {
  return {
    conversationId,
    title: null,
    messages: [],
    viewers: 0,
    self: null,
    people: [],
    beforeEdit: null,
    synced: false,
    error: null,
    deleted: false,
    resumeRequested: {},
    version: null,
  };
}

function placeholder(state: RoomState, messageId: string): RoomMessage {
  return {
    id: messageId,
    conversationId: state.conversationId,
    role: "assistant",
    content: "",
    reasoning: "",
    model: null,
    status: "streaming",
    finishReason: null,
    error: null,
    usage: null,
    createdAt: Number.MAX_SAFE_INTEGER,
    parentId: state.messages.at(-1)?.id ?? null,
  };
}

function onDelta(state: RoomState, frame: Extract<ServerFrame, { type: "delta" }>, out: ClientFrame[]) {
  let messages = state.messages;
  let index = messages.findIndex((m) => m.id === frame.messageId);
  if (index < 0) {
    // A delta for a message we never heard of (its `message` frame was missed): start it empty.
    messages = [...messages, placeholder(state, frame.messageId)];
    index = messages.length - 1;
  }
  const current = messages[index]!;
  // Whatever lines up is kept (text and reasoning have separate offsets); a gap in either asks
  // for the rest from what we now hold.
  const { message, gap } = mergeChunk(current, frame);
  if (gap) {
    const resumeRequested = requestResume(state, message, out);
    return { ...state, messages: replaceAt(messages, index, message), resumeRequested };
  }
  const grew = message !== current;
  return {
    ...state,
    messages: replaceAt(messages, index, message),
    resumeRequested: grew ? withoutKey(state.resumeRequested, frame.messageId) : state.resumeRequested,
  };
}

function onDone(
  state: RoomState,
  frame: Extract<ServerFrame, { type: "done" }>,
  out: ClientFrame[],
  warnings: string[],
) {
  let messages = state.messages;
  let index = messages.findIndex((m) => m.id === frame.messageId);
  if (index < 0) {
    messages = [...messages, placeholder(state, frame.messageId)];
    index = messages.length - 1;
  }
  const current = messages[index]!;
  let content = current.content;
  let reasoning = current.reasoning;
  if (content.length > frame.length) {
    warnings.push(`message ${frame.messageId}: holds ${content.length} chars, server says ${frame.length}`);
    content = content.slice(0, frame.length);
  }
  if (reasoning.length > frame.reasoningLength) {
    warnings.push(`message ${frame.messageId}: reasoning longer than the server's ${frame.reasoningLength}`);
    reasoning = reasoning.slice(0, frame.reasoningLength);
  }
  const message: RoomMessage = {
    ...current,
    content,
    reasoning,
    status: frame.status,
    finishReason: frame.finishReason,
    usage: frame.usage,
    error: frame.error,
  };
  let resumeRequested = withoutKey(state.resumeRequested, frame.messageId);
  if (content.length < frame.length || reasoning.length < frame.reasoningLength) {
    resumeRequested = requestResume({ ...state, resumeRequested }, message, out);
  }
  return { ...state, messages: replaceAt(messages, index, message), resumeRequested };
}

function onMessage(state: RoomState, frame: Extract<ServerFrame, { type: "message" }>): RoomState {
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

function onSnapshot(
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
function onPath(state: RoomState, frame: Extract<ServerFrame, { type: "path" }>): RoomState {
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

function onError(state: RoomState, frame: Extract<ServerFrame, { type: "error" }>): RoomState {
  const error: ErrorInfo = { code: frame.code, message: frame.message, retryable: frame.retryable };
  // A refused edit: put back the branch as it was.
  if (state.beforeEdit && state.messages.some((m) => m.pending && m.editOf !== undefined)) {
    return { ...state, error, messages: state.beforeEdit, beforeEdit: null };
  }
  const messages = state.messages.some((m) => m.pending)
    ? state.messages.map((m) => (m.pending ? { ...m, pending: false, failed: true } : m))
    : state.messages;
  return { ...state, error, messages };
}

function optimisticEdit(
  state: RoomState,
  action: Extract<RoomAction, { type: "optimistic-edit" }>,
): RoomState {
  const index = state.messages.findIndex((m) => m.id === action.messageId);
  const original = state.messages[index];
  if (!original || original.role !== "user") return state;
  const message: RoomMessage = {
    ...original,
    id: `local:${action.clientId}`,
    content: action.content,
    model: action.model,
    createdAt: action.now,
    siblings: undefined,
    pending: true,
    failed: false,
    clientId: action.clientId,
    editOf: original.id,
  };
  return {
    ...state,
    beforeEdit: state.beforeEdit ?? state.messages,
    messages: [...state.messages.slice(0, index), message],
    error: null,
  };
}

/**
 * A tool call of the answer being written: added when the model makes it (`result` null), updated
 * when the tool has answered. Calls of a running answer exist only in these frames until it is
 * stored, so a snapshot or path that replaces the message keeps them (withHeldToolCalls).
 */
function onTool(state: RoomState, frame: Extract<ServerFrame, { type: "tool" }>): RoomState {
  let messages = state.messages;
  let index = messages.findIndex((m) => m.id === frame.messageId);
  if (index < 0) {
    messages = [...messages, placeholder(state, frame.messageId)];
    index = messages.length - 1;
  }
  const current = messages[index]!;
  const calls = current.toolCalls ?? [];
  const at = calls.findIndex((call) => call.id === frame.call.id);
  // A late "called" frame must not undo a result we already have.
  if (at >= 0 && calls[at]!.result !== null && frame.call.result === null) return state;
  const toolCalls: ToolCall[] =
    at >= 0 ? calls.map((call, i) => (i === at ? frame.call : call)) : [...calls, frame.call];
  return { ...state, messages: replaceAt(messages, index, { ...current, toolCalls }) };
}

export function roomReducer(state: RoomState, action: RoomAction): ReduceResult {
  const out: ClientFrame[] = [];
  const warnings: string[] = [];
  const result = (next: RoomState): ReduceResult => ({ state: next, out, warnings });

  switch (action.type) {
    case "history": {
      if (state.synced) {
        // The snapshot came first and holds only the newest messages: the older ones the
        // history has go in front of them, so a long chat keeps its beginning.
        const first = state.messages[0];
        const at = first ? action.messages.findIndex((m) => m.id === first.id) : -1;
        const older = at > 0 ? action.messages.slice(0, at) : [];
        if (older.length === 0 && state.title !== null) return result(state);
        return result({
          ...state,
          title: state.title ?? action.title,
          messages: [...older, ...state.messages],
        });
      }
      const pending = state.messages.filter((m) => m.pending);
      // A message still streaming is stored with the text of its last checkpoint (often ""): what
      // we hold (from the cache) may be further along, and the resume offset counts on it.
      const held = new Map(state.messages.map((m) => [m.id, m]));
      const messages = action.messages.map((incoming) => keepLongerText(incoming, held.get(incoming.id)));
      return result({
        ...state,
        title: state.title ?? action.title,
        messages: [...messages, ...pending],
      });
    }
    case "optimistic-send": {
      const message: RoomMessage = {
        id: `local:${action.clientId}`,
        conversationId: state.conversationId,
        role: "user",
        content: action.content,
        reasoning: "",
        model: action.model,
        status: "complete",
        finishReason: null,
        error: null,
        usage: null,
        createdAt: action.now,
        parentId: state.messages.at(-1)?.id ?? null,
        ...(action.attachments?.length ? { attachments: action.attachments } : {}),
        pending: true,
        clientId: action.clientId,
      };
      return result({ ...state, messages: [...state.messages, message], error: null });
    }
    case "optimistic-edit":
      return result(optimisticEdit(state, action));
    case "expire-typing":
      if (!state.people.some((p) => p.typing)) return result(state);
      return result({ ...state, people: state.people.map((p) => (p.typing ? { ...p, typing: false } : p)) });
    case "disconnected":
      return result({ ...state, synced: false, resumeRequested: {} });
    case "dismiss-error":
      return result({ ...state, error: null });
    case "frame":
      return result(trackVersion(state, reduceFrame(state, action.frame, out, warnings), action.frame, out));
  }
}

function reduceFrame(
  state: RoomState,
  frame: ServerFrame,
  out: ClientFrame[],
  warnings: string[],
): RoomState {
  switch (frame.type) {
    case "snapshot":
      return onSnapshot(state, frame, out);
    case "resumed":
      return onResumed(state, frame, out, warnings);
    case "path":
      return onPath(state, frame);
    case "message":
      return onMessage(state, frame);
    case "delta":
      return onDelta(state, frame, out);
    case "done":
      return onDone(state, frame, out, warnings);
    case "presence":
      return { ...state, viewers: frame.viewers, people: frame.people };
    case "error":
      return onError(state, frame);
    case "title":
      return state.title === frame.title ? state : { ...state, title: frame.title };
    case "deleted":
      return { ...state, deleted: true };
    case "tool":
      return onTool(state, frame);
    case "rate_limit":
    case "pong":
      return state;
    default:
      // A frame type newer than this client: nothing to do.
      return state;
  }
}

/** Whether this connection may write (send, edit, regenerate, …): owners and collaborators. */
export function canWrite(role: RoomRoleName | null | undefined): boolean {
  return role === "owner" || role === "editor";
}
