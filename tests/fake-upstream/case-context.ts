/** What a scripted case gets to work with, for either wire format. */
import type { SseWriter } from "./sse-writer.ts";
import { intParam } from "./marker.ts";

export interface CaseContext {
  writer: SseWriter;
  params: Map<string, string>;
  /** Which request with this tag this is (1-based); 1 when the marker has no tag. */
  attempt: number;
  hasTag: boolean;
  /** The model id the client asked for, echoed back like the real APIs do. */
  model: string;
}

export type CaseScript = (context: CaseContext) => Promise<void>;

/** Milliseconds between frames: the `delay` param, or the case's own default. */
export function frameDelay(context: CaseContext, fallback: number): number {
  return intParam(context.params, "delay", fallback, 0, 60_000);
}

/** For "X-then-ok" cases: whether this attempt is one of the `fails` (default 1) failing ones. */
export function failsThisAttempt(context: CaseContext): boolean {
  return context.attempt <= intParam(context.params, "fails", 1, 0, 100);
}

/** How long stalling cases hold a silent connection before giving up on the client. */
export const STALL_LIMIT_MS = 120_000;

/**
 * Writes a frame's bytes in two socket writes, cut `cutAt` bytes in, with a pause between, so
 * the client's reader sees a split JSON object or a split multi-byte character.
 */
export async function writeSplit(
  writer: SseWriter,
  frame: string,
  cutAt: number,
  pauseMs: number,
): Promise<void> {
  const bytes = Buffer.from(frame, "utf8");
  await writer.writeBytes(bytes.subarray(0, cutAt));
  await writer.sleep(pauseMs);
  await writer.writeBytes(bytes.subarray(cutAt));
}

/** Byte offset just inside the first occurrence of `char` (a multi-byte character) in `frame`. */
export function cutInside(frame: string, char: string): number {
  const index = frame.indexOf(char);
  if (index < 0) throw new Error(`fake upstream: ${char} not in frame`);
  return Buffer.byteLength(frame.slice(0, index), "utf8") + 1;
}
