/**
 * The parts of the room protocol that need no schema: room versions and the encoding of frames.
 * The worker reaches them through frames.ts, which re-exports them; the browser imports this module
 * directly, so its first load does not bring zod and the schemas (web/src/lazy-schemas.ts).
 */
import type { ClientFrame, ResumedFrame, ServerFrame } from "./frames.ts";

/**
 * The broadcast frames that change what a device holds other than the live text. The room counts
 * them (`Audience.publish`) and a device counts the ones it receives, so both know the room
 * version `<boot>.<count>`: a device that quotes the current version on reconnect has missed
 * nothing but text, and gets `resumed` instead of a snapshot (docs/protocol.md#reconnecting).
 * Deltas and presence do not count: the resume offsets cover the text, and presence follows
 * every join anyway.
 */
const VERSIONED_FRAMES: ReadonlySet<ServerFrame["type"]> = new Set([
  "message",
  "path",
  "done",
  "title",
  "tool",
  "deleted",
] satisfies ServerFrame["type"][]);

export function changesRoomState(frame: ServerFrame): boolean {
  return VERSIONED_FRAMES.has(frame.type);
}

/** `<boot>.<count>`: `boot` names one run of the room, `count` its counted frames so far. */
export function roomVersion(boot: string, count: number): string {
  return `${boot}.${count}`;
}

/** The version after one more counted frame; `null` for a version this client cannot read. */
export function nextRoomVersion(version: string): string | null {
  const dot = version.lastIndexOf(".");
  const count = Number(version.slice(dot + 1));
  if (dot < 1 || !Number.isSafeInteger(count) || count < 0) return null;
  return roomVersion(version.slice(0, dot), count + 1);
}

/** The JSON value of a frame's text, or `undefined` when it is not JSON (a schema then refuses it). */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  if (
    frame.type === "delta" &&
    "reasoning" in frame &&
    frame.reasoning === "" &&
    frame.reasoningOffset === 0
  ) {
    // Most answers have no reasoning: a delta is then a third shorter without the two fields.
    const { reasoning: _reasoning, reasoningOffset: _offset, ...rest } = frame;
    return JSON.stringify(rest);
  }
  if (frame.type === "resumed") return encodeResumed(frame);
  return JSON.stringify(frame);
}

/** `resumed` is nearly all text it carries: the parts with nothing to add are left out. */
function encodeResumed({ offset, text, reasoningOffset, reasoning, ...rest }: ResumedFrame): string {
  return JSON.stringify({
    ...rest,
    ...(text !== "" ? { offset, text } : {}),
    ...(reasoning !== "" ? { reasoningOffset, reasoning } : {}),
  });
}
