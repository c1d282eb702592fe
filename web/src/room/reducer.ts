/**
 * The state of one conversation room as a pure reducer: server frames (and a few local actions) in,
 * the next state plus the client frames to send out. No DOM, no socket, no clock: unit-testable in
 * Node (the reducer-*.test.ts files beside it).
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
 * Reasoning text follows the same rule with its own offsets (./offsets.ts has the rule itself,
 * ./resume.ts the reconnect). The frames are handled in ./streaming.ts (delta, done, tool),
 * ./message-list.ts (message, path), ./snapshot.ts and ./optimistic.ts (local edits and the errors
 * that undo them); the state itself is described in ./state.ts.
 *
 * The list is always one branch of the conversation tree (the one the room shows): every message
 * has a `parentId`, and `siblings` when there are alternatives to switch to.
 */
import type { ClientFrame, RoomRoleName, ServerFrame } from "#protocol/frames";
import { keepLongerText } from "./offsets.ts";
import { onMessage, onPath } from "./message-list.ts";
import { onError, optimisticEdit } from "./optimistic.ts";
import { onResumed, trackVersion } from "./resume.ts";
import { onSnapshot } from "./snapshot.ts";
import type { RoomAction, RoomMessage, RoomState } from "./state.ts";
import { onDelta, onDone, onTool } from "./streaming.ts";

export interface ReduceResult {
  state: RoomState;
  /** Frames the caller must send to the server, in order. */
  out: ClientFrame[];
  /** Protocol anomalies worth logging (never expected with a correct server). */
  warnings: string[];
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
    case "discard-failed":
      if (!state.messages.some((m) => m.failed)) return result(state);
      return result({ ...state, messages: state.messages.filter((m) => !m.failed) });
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
