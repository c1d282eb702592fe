/**
 * A Server-Sent Events reader for the adapters that talk to the wire without an SDK (Gemini's
 * native API). It follows the WHATWG event-stream rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * LF, CRLF and CR line endings (a CRLF may be split across reads), comment lines, `event:`,
 * multi-line `data:`, one optional space after the colon, and UTF-8 decoded across reads so a
 * character cut between two network packets survives.
 */

export interface ServerSentEvent {
  /** The `event:` name; "message" when the frame has none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

/** Accumulates the fields of one event until a blank line dispatches it. */
class EventBuilder {
  #event = "";
  #data: string[] = [];

  /** Applies one line; returns the finished event when the line is blank and data was seen. */
  line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    return undefined;
  }

  /** A stream may end without the final blank line; the spec drops that event, we keep it. */
  flush(): ServerSentEvent | undefined {
    return this.#dispatch();
  }

  #dispatch(): ServerSentEvent | undefined {
    const event =
      this.#data.length > 0 ? { event: this.#event || "message", data: this.#data.join("\n") } : undefined;
    this.#event = "";
    this.#data = [];
    return event;
  }
}

/**
 * The events of `body`, in order. Stops reading (and releases the body) when the consumer
 * stops iterating; network errors reach the consumer as thrown errors.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  const builder = new EventBuilder();
  let buffer = "";
  let first = true;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (first && buffer.length > 0) {
        if (buffer.startsWith("\uFEFF")) buffer = buffer.slice(1);
        first = false;
      }
      for (;;) {
        const end = lineEnd(buffer, done);
        if (end === undefined) break;
        const event = builder.line(buffer.slice(0, end.at));
        buffer = buffer.slice(end.at + end.length);
        if (event) yield event;
      }
      if (done) {
        if (buffer !== "") builder.line(buffer);
        const last = builder.flush();
        if (last) yield last;
        finished = true;
        return;
      }
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Where the first complete line in `buffer` ends. A trailing CR is only a line end once we know
 * no LF follows it (the next read might start with one), or the stream is over.
 */
function lineEnd(buffer: string, streamDone: boolean): { at: number; length: number } | undefined {
  for (let index = 0; index < buffer.length; index++) {
    const char = buffer[index];
    if (char === "\n") return { at: index, length: 1 };
    if (char === "\r") {
      if (index + 1 < buffer.length) return { at: index, length: buffer[index + 1] === "\n" ? 2 : 1 };
      return streamDone ? { at: index, length: 1 } : undefined;
    }
  }
  return undefined;
}
