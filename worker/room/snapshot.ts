/**
 * What a device gets when it joins a room, and when it asks for text it missed. The snapshot is
 * built from the room's copy of the conversation and the live answer in the same turn of the
 * event loop in which it is sent, so it holds everything published so far and the next delta
 * starts exactly where it ends: nothing is sent twice and nothing is skipped.
 */
import { presentPath } from "../db/branches";
import { toChatMessage } from "../db/queries";
import type { ChatMessage } from "#protocol/messages";
import type { LiveMessage, ServerFrame } from "#protocol/frames";
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

export function resumePointFrom(params: URLSearchParams): ResumePoint {
  return {
    messageId: params.get("resume"),
    offset: nonNegative(params.get("offset")),
    reasoningOffset: nonNegative(params.get("reasoningOffset")),
  };
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
}

export function snapshotFrame(input: SnapshotInput): ServerFrame {
  // Everything pending goes out first, so the snapshot's text and the next delta meet exactly.
  input.generation?.flush();
  return {
    type: "snapshot",
    conversationId: input.conversationId,
    title: input.state.conversation?.title ?? "",
    messages: visibleMessages(input.state).slice(-SNAPSHOT_MESSAGES),
    live: liveFrom(input.generation, input.from),
    viewers: input.viewers,
    self: input.self,
    people: input.people,
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
