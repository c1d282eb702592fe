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
 * - `done` carries the total length: if we hold less, ask for the rest.
 * Reasoning text follows the same rule with its own offsets.
 */
import type {
  ChatMessage,
  ClientFrame,
  ErrorInfo,
  LiveMessage,
  ServerFrame,
} from "../../worker/protocol/index.ts";

export interface RoomMessage extends ChatMessage {
  /** Optimistic user message not yet confirmed by the server (matched back by `clientId`). */
  pending?: boolean;
  /** The optimistic message was answered by an error frame instead of being stored. */
  failed?: boolean;
  clientId?: string;
}

export interface RoomState {
  conversationId: string;
  title: string | null;
  messages: RoomMessage[];
  viewers: number;
  /** A snapshot arrived on the current connection (so the message list is the server's). */
  synced: boolean;
  /** The last `error` frame, until dismissed or a later successful send. */
  error: ErrorInfo | null;
  /** The conversation was deleted (from this or another device). */
  deleted: boolean;
  /** Outstanding resume requests, message id → "offset:reasoningOffset" (avoids asking twice). */
  resumeRequested: Readonly<Record<string, string>>;
}

export type RoomAction =
  | { type: "frame"; frame: ServerFrame }
  /** Messages loaded over HTTP before the socket delivered its snapshot. */
  | { type: "history"; title: string; messages: ChatMessage[] }
  | { type: "optimistic-send"; clientId: string; content: string; model: string; now: number }
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
    synced: false,
    error: null,
    deleted: false,
    resumeRequested: {},
  };
}

/**
 * Appends the chunk `text` that starts at `offset` to `current`.
 * Returns `null` when there is a gap (`offset > current.length`); returns `current` itself when the
 * chunk adds nothing new (a duplicate or an old frame).
 */
export function applyChunk(current: string, offset: number, text: string): string | null {
  if (offset > current.length) return null;
  const overlap = current.length - offset;
  if (overlap >= text.length) return current;
  return current + text.slice(overlap);
}

/** The assistant message being generated right now, if any (the last streaming one). */
export function streamingMessage(state: RoomState): RoomMessage | undefined {
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const message = state.messages[i];
    if (message && message.role === "assistant" && message.status === "streaming") return message;
  }
  return undefined;
}

/**
 * Query parameters for a (re)connect: while a message streams, ask the server for only the part we
 * have not seen (`resume=<id>&offset=<n>`).
 */
export function resumeQuery(state: RoomState): Record<string, string> {
  const live = streamingMessage(state);
  if (!live) return {};
  return {
    resume: live.id,
    offset: String(live.content.length),
    reasoningOffset: String(live.reasoning.length),
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
  };
}

function withoutKey(record: Readonly<Record<string, string>>, key: string): Readonly<Record<string, string>> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

interface Merge {
  message: RoomMessage;
  /** True when a chunk starts beyond what we hold (something was missed). */
  gap: boolean;
}

/** Applies one chunk of text and one of reasoning to a message (the shared core of delta/live). */
function mergeChunk(
  message: RoomMessage,
  chunk: { offset: number; text: string; reasoningOffset: number; reasoning: string },
): Merge {
  let gap = false;
  let content = message.content;
  if (chunk.text.length > 0 || chunk.offset > content.length) {
    const next = applyChunk(content, chunk.offset, chunk.text);
    if (next === null) gap = true;
    else content = next;
  }
  let reasoning = message.reasoning;
  if (chunk.reasoning.length > 0 || chunk.reasoningOffset > reasoning.length) {
    const next = applyChunk(reasoning, chunk.reasoningOffset, chunk.reasoning);
    if (next === null) gap = true;
    else reasoning = next;
  }
  if (content === message.content && reasoning === message.reasoning) return { message, gap };
  return { message: { ...message, content, reasoning }, gap };
}

/** Asks for everything of `message` past what we hold, unless that exact request is outstanding. */
function requestResume(
  state: RoomState,
  message: RoomMessage,
  out: ClientFrame[],
): Readonly<Record<string, string>> {
  const offset = message.content.length;
  const reasoningOffset = message.reasoning.length;
  const key = `${offset}:${reasoningOffset}`;
  if (state.resumeRequested[message.id] === key) return state.resumeRequested;
  out.push({ type: "resume", messageId: message.id, offset, reasoningOffset });
  return { ...state.resumeRequested, [message.id]: key };
}

function replaceAt(messages: RoomMessage[], index: number, message: RoomMessage): RoomMessage[] {
  if (messages[index] === message) return messages;
  const next = messages.slice();
  next[index] = message;
  return next;
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
    const existing = messages[existingIndex]!;
    // Both are prefixes of the same text while it streams: keep the longer one.
    const merged =
      existing.status === "streaming" && incoming.status === "streaming"
        ? {
            ...incoming,
            content: existing.content.length > incoming.content.length ? existing.content : incoming.content,
            reasoning:
              existing.reasoning.length > incoming.reasoning.length ? existing.reasoning : incoming.reasoning,
          }
        : incoming;
    messages = replaceAt(messages, existingIndex, merged);
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
    ...snap,
    content: previous && previous.content.length > snap.content.length ? previous.content : snap.content,
    reasoning:
      previous && previous.reasoning.length > snap.reasoning.length ? previous.reasoning : snap.reasoning,
  };
  const { message, gap } = mergeChunk(base, live);
  messages = replaceAt(messages, index, message);
  if (gap) return { messages, resumeRequested: requestResume(state, message, out) };
  return { messages, resumeRequested: state.resumeRequested };
}

function onSnapshot(
  state: RoomState,
  frame: Extract<ServerFrame, { type: "snapshot" }>,
  out: ClientFrame[],
): RoomState {
  const previousById = new Map(state.messages.map((m) => [m.id, m]));
  const snapshotIds = new Set(frame.messages.map((m) => m.id));
  const firstCreatedAt = frame.messages[0]?.createdAt ?? Number.POSITIVE_INFINITY;
  // Older history we already hold and the snapshot's tail no longer includes.
  const older = state.messages.filter(
    (m) => !m.pending && !snapshotIds.has(m.id) && m.createdAt < firstCreatedAt,
  );
  // Optimistic messages still waiting for their echo, unless the snapshot already holds a new user
  // message with the same text (the echo was lost while we were away).
  const fresh = frame.messages.filter((m) => m.role === "user" && !previousById.has(m.id));
  const pending = state.messages.filter((m) => m.pending && !fresh.some((f) => f.content === m.content));
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
    messages: [...messages, ...pending],
    synced: true,
    resumeRequested,
  };
}

export function roomReducer(state: RoomState, action: RoomAction): ReduceResult {
  const out: ClientFrame[] = [];
  const warnings: string[] = [];
  const result = (next: RoomState): ReduceResult => ({ state: next, out, warnings });

  switch (action.type) {
    case "history": {
      if (state.synced) return result(state.title === null ? { ...state, title: action.title } : state);
      const pending = state.messages.filter((m) => m.pending);
      // A message still streaming is stored with the text of its last checkpoint (often ""): what
      // we hold (from the cache) may be further along, and the resume offset counts on it.
      const held = new Map(state.messages.map((m) => [m.id, m]));
      const messages = action.messages.map((incoming) => {
        const mine = held.get(incoming.id);
        if (!mine || incoming.status !== "streaming" || mine.status !== "streaming") return incoming;
        return {
          ...incoming,
          content: mine.content.length > incoming.content.length ? mine.content : incoming.content,
          reasoning: mine.reasoning.length > incoming.reasoning.length ? mine.reasoning : incoming.reasoning,
        };
      });
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
        pending: true,
        clientId: action.clientId,
      };
      return result({ ...state, messages: [...state.messages, message], error: null });
    }
    case "disconnected":
      return result({ ...state, synced: false, resumeRequested: {} });
    case "dismiss-error":
      return result({ ...state, error: null });
    case "frame": {
      const frame = action.frame;
      switch (frame.type) {
        case "snapshot":
          return result(onSnapshot(state, frame, out));
        case "message":
          return result(onMessage(state, frame));
        case "delta":
          return result(onDelta(state, frame, out));
        case "done":
          return result(onDone(state, frame, out, warnings));
        case "presence":
          return result({ ...state, viewers: frame.viewers });
        case "error": {
          const error: ErrorInfo = { code: frame.code, message: frame.message, retryable: frame.retryable };
          const messages = state.messages.some((m) => m.pending)
            ? state.messages.map((m) => (m.pending ? { ...m, pending: false, failed: true } : m))
            : state.messages;
          return result({ ...state, error, messages });
        }
        case "title":
          return result(state.title === frame.title ? state : { ...state, title: frame.title });
        case "deleted":
          return result({ ...state, deleted: true });
        case "rate_limit":
        case "pong":
          return result(state);
        default:
          // A frame type newer than this client: nothing to do.
          return result(state);
      }
    }
  }
}
