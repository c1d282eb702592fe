// The SSE reader behind the Gemini adapter, fed byte chunks cut at the worst places.
import { describe, expect, it } from "vitest";
import { readServerSentEvents, type ServerSentEvent } from "../../worker/providers/sse";

/** A body that delivers `parts` as separate reads, then ends (or fails with `error`). */
function body(parts: (string | Uint8Array)[], error?: Error): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[index++];
      if (part !== undefined) controller.enqueue(typeof part === "string" ? encoder.encode(part) : part);
      else if (error) controller.error(error);
      else controller.close();
    },
  });
}

async function events(parts: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const read: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(body(parts))) read.push(event);
  return read;
}

describe("readServerSentEvents", () => {
  it("splits frames on LF, CRLF and CR alike", async () => {
    expect(await events(["data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\n"])).toEqual(
      ["a", "b", "c", "d"].map((data) => ({ event: "message", data })),
    );
  });

  it("keeps a CRLF cut between two reads as one line end, not a frame end", async () => {
    // Read as two line ends, each cut would be a blank line: the event name would be dropped and
    // the two data lines would arrive as two broken frames.
    expect(await events(["event: error\r", '\ndata: {"a":\r', "\ndata: 1}\r\n\r\n"])).toEqual([
      { event: "error", data: '{"a":\n1}' },
    ]);
  });

  it("skips comment lines and keeps event names and multi-line data", async () => {
    expect(await events([': keep-alive\n\nevent: error\ndata: {"a":\ndata: 1}\n\n'])).toEqual([
      { event: "error", data: '{"a":\n1}' },
    ]);
  });

  it("decodes a multi-byte character split across reads", async () => {
    const bytes = new TextEncoder().encode("data: 🎉é\n\n");
    expect(await events([bytes.slice(0, 8), bytes.slice(8, 11), bytes.slice(11)])).toEqual([
      { event: "message", data: "🎉é" },
    ]);
  });

  it("keeps a last event that the stream ended without its blank line", async () => {
    expect(await events(["data: a\n\ndata: b"])).toEqual([
      { event: "message", data: "a" },
      { event: "message", data: "b" },
    ]);
  });

  it("passes a network failure to the consumer after the events before it", async () => {
    const read: string[] = [];
    const failing = readServerSentEvents(body(["data: a\n\n"], new Error("connection reset")));
    await expect(
      (async () => {
        for await (const event of failing) read.push(event.data);
      })(),
    ).rejects.toThrow("connection reset");
    expect(read).toEqual(["a"]);
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new TextEncoder().encode("data: x\n\n")),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const event of readServerSentEvents(stream)) {
      expect(event.data).toBe("x");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
