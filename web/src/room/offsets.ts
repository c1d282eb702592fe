/**
 * The offset merge rule of docs/protocol.md, shared by every frame that carries streamed text
 * (`delta`, the snapshot's `live`, `resumed`): text is only ever appended where it belongs, so
 * nothing is lost or shown twice, and a gap turns into one `resume` request.
 */
import type { ClientFrame } from "#protocol/frames";
import type { RoomMessage, RoomState } from "./state.ts";

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

export function withoutKey(
  record: Readonly<Record<string, string>>,
  key: string,
): Readonly<Record<string, string>> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

export interface Merge {
  message: RoomMessage;
  /** True when a chunk starts beyond what we hold (something was missed). */
  gap: boolean;
}

/** Applies one chunk of text and one of reasoning to a message (the shared core of delta/live). */
export function mergeChunk(
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
export function requestResume(
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

export function replaceAt(messages: RoomMessage[], index: number, message: RoomMessage): RoomMessage[] {
  if (messages[index] === message) return messages;
  const next = messages.slice();
  next[index] = message;
  return next;
}

/** Both are prefixes of the same text while a message streams: keep the longer one. */
export function keepLongerText(incoming: RoomMessage, held: RoomMessage | undefined): RoomMessage {
  if (!held || incoming.status !== "streaming" || held.status !== "streaming") return incoming;
  incoming = withHeldToolCalls(incoming, held);
  if (held.content.length <= incoming.content.length && held.reasoning.length <= incoming.reasoning.length) {
    return incoming;
  }
  return {
    ...incoming,
    content: held.content.length > incoming.content.length ? held.content : incoming.content,
    reasoning: held.reasoning.length > incoming.reasoning.length ? held.reasoning : incoming.reasoning,
  };
}

/** A streaming message from the server keeps the tool calls we hold when it brings fewer. */
export function withHeldToolCalls(incoming: RoomMessage, held: RoomMessage | undefined): RoomMessage {
  const heldCalls = held?.toolCalls ?? [];
  if (incoming.status !== "streaming" || heldCalls.length <= (incoming.toolCalls?.length ?? 0))
    return incoming;
  return { ...incoming, toolCalls: heldCalls };
}
