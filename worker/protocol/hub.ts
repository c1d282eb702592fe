/**
 * UserHub frames: one socket per device of a person, which keeps the conversation list (the
 * sidebar) of all their devices in sync. The client only ever sends `{"type":"ping"}`.
 */
import { z } from "zod";
import { parseJson } from "./frames.ts";
import { conversationSummarySchema } from "./http.ts";

export const hubFrameSchema = z.discriminatedUnion("type", [
  /** Sent on every (re)connect: refetch the conversation list to catch up on what was missed. */
  z.object({ type: z.literal("hello") }),
  /** A conversation was created or changed (title, pin, new message): upsert it. */
  z.object({ type: z.literal("conversation"), conversation: conversationSummarySchema }),
  z.object({ type: z.literal("conversation_deleted"), id: z.string() }),
  z.object({ type: z.literal("pong") }),
  /** The person's plan changed (bought, cancelled, granted, payment failed): refetch /billing. */
  z.object({ type: z.literal("plan") }),
  /** The session this socket belongs to ended; the close follows (CLOSE_CODES.signedOut). */
  z.object({ type: z.literal("signed_out") }),
  /** An admin banned this person; the close follows (CLOSE_CODES.banned). Do not reconnect. */
  z.object({ type: z.literal("banned") }),
]);
export type HubFrame = z.infer<typeof hubFrameSchema>;

export function parseHubFrame(raw: string): HubFrame | null {
  const result = hubFrameSchema.safeParse(parseJson(raw));
  return result.success ? result.data : null;
}

export function encodeHubFrame(frame: HubFrame): string {
  return JSON.stringify(frame);
}
