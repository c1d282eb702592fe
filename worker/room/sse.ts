/**
 * Translates the room's frames for one assistant message into the named Server-Sent Events of
 * `POST /api/v1/chat/stream`: meta, delta, reasoning, usage, done and error (docs/api.md).
 */
import type { ServerFrame, SseEventName } from "../protocol";

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
