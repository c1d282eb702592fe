/**
 * Translates the room's frames for one assistant message into the named Server-Sent Events of
 * `POST /api/v1/chat/stream`: meta, delta, reasoning, usage, done and error (docs/api.md).
 */
import { z } from "zod";
import {
  generationOptionsSchema,
  MAX_PROMPT_CHARS,
  MAX_SYSTEM_PROMPT_CHARS,
  roleSchema,
} from "#protocol/messages";
import type { ServerFrame } from "#protocol/frames";
import type { SseEventName } from "#protocol/http";

/**
 * Body of the internal `POST /stream` the worker forwards `/api/v1/chat/stream` as, after it has
 * authenticated the caller. The room admits it like any other turn.
 */
export const roomStreamRequestSchema = z.object({
  model: z.string().min(1).max(200),
  content: z.string().min(1).max(MAX_PROMPT_CHARS),
  /** Earlier messages of a brand-new conversation, stored before the prompt. */
  prior: z.array(z.object({ role: roleSchema, content: z.string() })).default([]),
  options: generationOptionsSchema.default({}),
  /** Present when the turn starts a new conversation (with its system prompt). */
  create: z.object({ systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS) }).optional(),
});
export type RoomStreamRequest = z.input<typeof roomStreamRequestSchema>;

const encoder = new TextEncoder();

export function sseEvent(name: SseEventName, data: unknown): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The SSE events one room frame becomes for the API client following `messageId`. */
export function frameToSse(frame: ServerFrame, messageId: string): Uint8Array[] {
  if (frame.type === "delta" && frame.messageId === messageId) {
    const events: Uint8Array[] = [];
    if (frame.reasoning) events.push(sseEvent("reasoning", { text: frame.reasoning }));
    if (frame.text) events.push(sseEvent("delta", { text: frame.text }));
    return events;
  }
  if (frame.type === "done" && frame.messageId === messageId) {
    const events: Uint8Array[] = [];
    if (frame.usage) {
      const { inputTokens, outputTokens, costUsd } = frame.usage;
      events.push(sseEvent("usage", { inputTokens, outputTokens, costUsd }));
    }
    if (frame.error) events.push(sseEvent("error", frame.error));
    events.push(sseEvent("done", { finishReason: frame.finishReason }));
    return events;
  }
  return [];
}

export interface SseTurnSource {
  /** Adds a listener for every frame the room publishes; returns the function that removes it. */
  subscribe(listener: (frame: ServerFrame) => void): () => void;
}

/**
 * Starts a turn and returns its answer as an SSE response. The listener is attached before the
 * turn starts, so no frame can slip past; a client that goes away only stops listening.
 */
export function streamTurnAsSse(
  room: SseTurnSource,
  conversationId: string,
  start: () => Promise<{ messageId: string }>,
): Promise<Response> {
  return streamTurnFrames(room, start, {
    contentType: "text/event-stream; charset=utf-8",
    head: ({ messageId }) => [sseEvent("meta", { conversationId, messageId })],
    frame: frameToSse,
  });
}

/** How one kind of HTTP stream writes a turn: its first bytes, then each frame's. */
export interface TurnStreamFormat<T extends { messageId: string }> {
  contentType: string;
  head: (started: T) => Uint8Array[];
  frame: (frame: ServerFrame, messageId: string) => Uint8Array[];
}

/**
 * Starts a turn and streams the frames of its answer in `format` until its `done`. The listener is
 * attached before the turn starts, so no frame can slip past; a client that goes away only stops
 * listening, and the answer goes on.
 */
export async function streamTurnFrames<T extends { messageId: string }>(
  room: SseTurnSource,
  start: () => Promise<T>,
  format: TurnStreamFormat<T>,
): Promise<Response> {
  const queued: ServerFrame[] = [];
  let forward: (frame: ServerFrame) => void = (frame) => queued.push(frame);
  const unsubscribe = room.subscribe((frame) => forward(frame));
  let started: T;
  try {
    started = await start();
  } catch (cause) {
    unsubscribe();
    throw cause;
  }
  const { messageId } = started;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const write = (chunks: Uint8Array[]) => {
    for (const chunk of chunks) writer.write(chunk).catch(unsubscribe);
  };
  write(format.head(started));
  forward = (frame) => {
    write(format.frame(frame, messageId));
    if (frame.type === "done" && frame.messageId === messageId) {
      unsubscribe();
      writer.close().catch(() => undefined);
    }
  };
  for (const frame of queued.splice(0)) forward(frame);
  return new Response(readable, {
    headers: {
      "content-type": format.contentType,
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
