/**
 * Coming back after a dropped connection. The reconnect quotes what this device holds: the
 * streaming message and how far its text (and reasoning) got, and the room version it has every
 * change of (docs/protocol.md#reconnecting). When that version is still the room's, the room
 * answers with `resumed` — only the text missed — instead of a whole snapshot.
 */
import type { ClientFrame, ServerFrame } from "#protocol/frames";
import { changesRoomState, nextRoomVersion } from "#protocol/frame-codec";
import { mergeChunk, replaceAt, requestResume } from "./offsets.ts";
import type { RoomMessage, RoomState } from "./state.ts";

/** The assistant message being generated right now, if any (the last streaming one). */
export function streamingMessage(state: RoomState): RoomMessage | undefined {
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const message = state.messages[i];
    if (message && message.role === "assistant" && message.status === "streaming") return message;
  }
  return undefined;
}

/**
 * Where we are in the streaming message, if one streams: the server then sends only the part we
 * have not seen (`resume=<id>&offset=<n>&reasoningOffset=<m>`).
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

/** Query parameters for a (re)connect: the resume point and the room version we hold, if any. */
export function reconnectQuery(state: RoomState): Record<string, string> {
  const query = resumeQuery(state);
  return state.version !== null ? { ...query, version: state.version } : query;
}

/**
 * The version after `frame`: the snapshot's, moved on by each frame the room counts too. A device
 * that had to ask for missed text forgets its version until the next snapshot: the room may answer
 * with a `message` only this device gets, which it cannot tell from a counted one.
 */
export function trackVersion(before: RoomState, after: RoomState, frame: ServerFrame, out: ClientFrame[]) {
  let version = frame.type === "snapshot" ? frame.version : before.version;
  if (version !== null && changesRoomState(frame)) version = nextRoomVersion(version);
  if (out.some((sent) => sent.type === "resume")) version = null;
  return version === after.version ? after : { ...after, version };
}

/**
 * The room says we hold its current state: keep every message, and add the text we missed to the
 * message we named when reconnecting (the one still streaming here).
 */
export function onResumed(
  state: RoomState,
  frame: Extract<ServerFrame, { type: "resumed" }>,
  out: ClientFrame[],
  warnings: string[],
): RoomState {
  const resumed: RoomState = { ...state, self: frame.self, synced: true, resumeRequested: {} };
  const live = streamingMessage(state);
  if (!live) {
    if (frame.text !== "" || frame.reasoning !== "") warnings.push("resumed text for no streaming message");
    return resumed;
  }
  const { message, gap } = mergeChunk(live, frame);
  const messages = replaceAt(state.messages, state.messages.indexOf(live), message);
  if (gap) return { ...resumed, messages, resumeRequested: requestResume(resumed, message, out) };
  return { ...resumed, messages };
}
