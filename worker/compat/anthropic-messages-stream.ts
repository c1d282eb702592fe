/**
 * A turn's events as Anthropic's streaming Messages answer
 * (https://docs.anthropic.com/en/api/messages-streaming): `message_start`, a `ping`, then one
 * content block per run of reasoning (`thinking`), text or per tool call (`tool_use`), each opened,
 * filled with deltas and closed, then `message_delta` with the stop reason and usage, and
 * `message_stop`. A failed answer ends with an `error` event instead, which the SDKs raise.
 */
import type { ApiTurnEvent, StartedApiTurn } from "./contract";
import { errorBody, failureOf, stopReasonOf, wireMessageId, wireUsage } from "./anthropic-messages-wire";

const encoder = new TextEncoder();

function sse(name: string, data: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

type BlockKind = "thinking" | "text" | "tool_use";

/** Writes the events of one answer, keeping track of the content block that is open. */
class MessageEventWriter {
  #index = -1;
  #open: BlockKind | undefined;
  finished = false;

  constructor(private readonly turn: StartedApiTurn) {}

  opening(): string {
    const message = {
      id: wireMessageId(this.turn.messageId),
      type: "message",
      role: "assistant",
      model: this.turn.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return sse("message_start", { type: "message_start", message }) + sse("ping", { type: "ping" });
  }

  write(event: ApiTurnEvent): string {
    switch (event.type) {
      case "reasoning":
        if (!event.text) return "";
        return this.#enter("thinking") + this.#delta({ type: "thinking_delta", thinking: event.text });
      case "text":
        if (!event.text) return "";
        return this.#enter("text") + this.#delta({ type: "text_delta", text: event.text });
      case "tool_call": {
        const { id, name } = event.call;
        return (
          this.#close() +
          this.#start("tool_use", { type: "tool_use", id, name, input: {} }) +
          this.#delta({ type: "input_json_delta", partial_json: event.call.arguments || "{}" }) +
          this.#close()
        );
      }
      case "done": {
        this.finished = true;
        const closing = this.#close();
        const stopReason = stopReasonOf(event.finishReason);
        if (stopReason === null) {
          const failure = failureOf(event.error);
          return closing + sse("error", errorBody(failure.type, failure.message));
        }
        return (
          closing +
          sse("message_delta", {
            type: "message_delta",
            delta: { stop_reason: stopReason, stop_sequence: null },
            usage: wireUsage(event.usage),
          }) +
          sse("message_stop", { type: "message_stop" })
        );
      }
    }
  }

  /** The stream broke off without a `done`: the client must not take the text as complete. */
  broken(): string {
    this.finished = true;
    return this.#close() + sse("error", errorBody("api_error", "The answer broke off. Try again."));
  }

  #enter(kind: "thinking" | "text"): string {
    if (this.#open === kind) return "";
    const block =
      kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    return this.#close() + this.#start(kind, block);
  }

  #start(kind: BlockKind, block: object): string {
    this.#index += 1;
    this.#open = kind;
    return sse("content_block_start", {
      type: "content_block_start",
      index: this.#index,
      content_block: block,
    });
  }

  #delta(delta: object): string {
    return sse("content_block_delta", { type: "content_block_delta", index: this.#index, delta });
  }

  #close(): string {
    if (this.#open === undefined) return "";
    this.#open = undefined;
    return sse("content_block_stop", { type: "content_block_stop", index: this.#index });
  }
}

export function messagesStream(turn: StartedApiTurn): Response {
  const events = turn.events[Symbol.asyncIterator]();
  const writer = new MessageEventWriter(turn);
  // Not awaited: a generator's return() waits for its pending next(), which may be a long wait.
  const release = () => void events.return?.().catch(() => {});
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(writer.opening()));
    },
    // One event per pull keeps pace with the client; events that write nothing pull the next.
    async pull(controller) {
      for (;;) {
        let chunk: string;
        try {
          const next = await events.next();
          chunk = next.done ? writer.broken() : writer.write(next.value);
        } catch {
          chunk = writer.broken();
        }
        if (chunk) controller.enqueue(encoder.encode(chunk));
        if (writer.finished) {
          controller.close();
          release();
          return;
        }
        if (chunk) return;
      }
    },
    // The client went away: only this listener stops, the answer itself goes on in the room.
    cancel: release,
  });
  return new Response(body, {
    headers: {
      ...turn.headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    },
  });
}
