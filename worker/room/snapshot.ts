/**
 * What a device gets when it joins a room, and when it asks for text it missed. The snapshot is
 * built from the room's copy of the conversation and the live answer in the same turn of the
 * event loop in which it is sent, so it holds everything published so far and the next delta
 * starts exactly where it ends: nothing is sent twice and nothing is skipped. A device that
 * reconnects quoting the room's current version gets the much smaller `resumed` instead.
 */
import { presentPath } from "../db/branches";
import { toChatMessage } from "../db/queries";
import type { ChatMessage } from "#protocol/messages";
import type { LiveMessage, ResumedFrame, ServerFrame } from "#protocol/frames";
import type { ConversationState } from "./outbox-ops";
import type { Generation } from "./generation";

/** Messages sent to a device when it joins; older ones are fetched over HTTP. */
const SNAPSHOT_MESSAGES = 50;

/** The visible branch of the conversation, as devices see it. */
export function visibleMessages(state: ConversationState): ChatMessage[] {
  return presentPath(state.rows, state.conversation?.activeLeafId ?? null, state.files);
}

/** Where a reconnecting device says it is: `?resume=<messageId>&offset=…&reasoningOffset=…`. */
export interface ResumePoint {
  messageId: string | null;
  offset: number;
  reasoningOffset: number;
}

/** A (re)connecting device: where it is in the live answer, and the room version it holds. */
export interface JoinPoint extends ResumePoint {
  version: string | null;
}

export function joinPointFrom(params: URLSearchParams): JoinPoint {
  return {
    messageId: params.get("resume"),
    offset: nonNegative(params.get("offset")),
    reasoningOffset: nonNegative(params.get("reasoningOffset")),
    version: params.get("version"),
  };
}

/**
 * Whether the device holds everything but live text: it quotes the room's current version and
 * names the answer being written (or none, when none is). Then `resumedFrame` is all it needs.
 */
export function holdsCurrentState(from: JoinPoint, version: string, generation: Generation | undefined) {
  return from.version === version && from.messageId === (generation?.messageId ?? null);
}

/**
 * The live text a device that `holdsCurrentState` missed, with who it is in the room (built, like
 * the snapshot, after `generation.flush()`).
 */
export function resumedFrame(
  generation: Generation | undefined,
  from: ResumePoint,
  self: ResumedFrame["self"],
): ResumedFrame {
  if (!generation) return { type: "resumed", self, offset: 0, text: "", reasoningOffset: 0, reasoning: "" };
  // The device named the message itself: repeating its id would cost a tenth of a short gap.
  const { messageId: _named, ...live } = liveFrom(generation, from)!;
  return { type: "resumed", self, ...live };
}

/** The live answer from where the device is (from the start when it had none of it). */
export function liveFrom(generation: Generation | undefined, from: ResumePoint): LiveMessage | null {
  if (!generation) return null;
  const resuming = from.messageId === generation.messageId;
  const offset = resuming ? Math.min(from.offset, generation.text.length) : 0;
  const reasoningOffset = resuming ? Math.min(from.reasoningOffset, generation.reasoning.length) : 0;
  return {
    messageId: generation.messageId,
    offset,
    text: generation.text.slice(offset),
    reasoningOffset,
    reasoning: generation.reasoning.slice(reasoningOffset),
  };
}

export interface SnapshotInput {
  conversationId: string;
  state: ConversationState;
  generation: Generation | undefined;
  from: ResumePoint;
  self: { id: string; role: "owner" | "editor" | "viewer" };
  viewers: number;
  people: Extract<ServerFrame, { type: "snapshot" }>["people"];
  version: string;
}

/** Build it after `generation.flush()` (see `ConversationRoom.onConnect`). */
export function snapshotFrame(input: SnapshotInput): ServerFrame {
  return {
    type: "snapshot",
    conversationId: input.conversationId,
    title: input.state.conversation?.title ?? "",
    messages: visibleMessages(input.state).slice(-SNAPSHOT_MESSAGES),
    live: liveFrom(input.generation, input.from),
    viewers: input.viewers,
    self: input.self,
    people: input.people,
    version: input.version,
  };
}

/**
 * The answer to `resume` (a device noticed a gap in the offsets): the missing text of the live
 * answer, or the stored message once it has finished.
 */
export function resumeFrame(
  generation: Generation | undefined,
  state: ConversationState,
  from: ResumePoint & { messageId: string },
): ServerFrame | null {
  if (generation && generation.messageId === from.messageId) {
    generation.flush();
    return { type: "delta", ...liveFrom(generation, from)! };
  }
  const stored = state.rows.find((row) => row.id === from.messageId);
  return stored ? { type: "message", message: toChatMessage(stored) } : null;
}

function nonNegative(raw: string | null): number {
  const value = Number(raw);
  return Number.isInteger(value) && value > 0 ? value : 0;
}
