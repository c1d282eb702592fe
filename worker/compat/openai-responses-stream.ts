/**
 * A running API turn written as OpenAI's Responses event stream, the sequence the openai SDKs'
 * `responses.stream()` accumulates
 * (https://platform.openai.com/docs/api-reference/responses-streaming):
 *
 *   response.created, response.in_progress,
 *   per output item: response.output_item.added … response.output_item.done, where
 *     reasoning is a `reasoning` item with one summary part (reasoning_summary_text.delta…),
 *     text is a `message` item with one output_text part (output_text.delta…),
 *     a call of the client's tool is a `function_call` item (function_call_arguments.delta/done),
 *   then response.completed, response.incomplete, or response.failed followed by an `error` event.
 *
 * There is no `response.cancelled` event (the SDKs reject unknown ones), so Stop pressed in a
 * browser ends with `response.completed` carrying `status: "cancelled"` and the text so far: every
 * client then finishes cleanly, and `retrieve` says the same. The SDKs do not raise on
 * `response.failed`, so a failure also sends `error`, which they raise as an `APIError`.
 *
 * The writer is a pure function of the turn's events: the same events give the same bytes, and
 * sequence numbers count characters, not deltas (see `ResponseEventWriter`), so a later replay
 * from the stored answer can number its events as the live stream did.
 */
import type { ErrorInfo } from "#protocol/messages";
import type { ApiTurnEvent, StartedApiTurn } from "./contract";
import { logError } from "../observability/log";
import { BROKEN_STREAM, describeFailure } from "./openai-errors";
import type { ResponseSettings } from "./openai-responses-request";
import {
  endOf,
  functionCallItem,
  itemIdOf,
  messageItem,
  outputText,
  reasoningItem,
  responseBody,
  responseIdOf,
  summaryPart,
  type ItemStatus,
  type OutputItem,
  type ResponseEnd,
  type ResponseHead,
  type ResponseState,
} from "./openai-responses-wire";

export type WireEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** The item being written, while text or reasoning may still be added to it. */
interface OpenItem {
  kind: "reasoning" | "message";
  index: number;
  id: string;
  text: string;
}

/**
 * Turns a turn's events into the Responses events. `sequence_number` grows by one per event and
 * by a delta's length for a delta, so within a part, a delta's number minus the number of the
 * part's `added` event is the character offset where the delta ends: a stream read up to N maps
 * onto an offset in the stored answer, whatever the deltas' boundaries were.
 */
export class ResponseEventWriter {
  private position = 0;
  private open: OpenItem | null = null;
  private readonly output: OutputItem[] = [];
  private state: ResponseState = { status: "in_progress", output: [], usage: null };

  constructor(
    readonly head: ResponseHead,
    private readonly messageId: string,
  ) {}

  /** The response as it stands (the last event's, once ended). */
  get response() {
    return responseBody(this.head, this.state);
  }

  /** The response while it is being written: the output so far, the open item with its text. */
  get inProgress() {
    if (this.state.end) return this.response;
    const output = [...this.output];
    const open = this.open;
    if (open) {
      output[open.index] =
        open.kind === "message"
          ? messageItem(open.id, "in_progress", open.text)
          : reasoningItem(open.id, open.text);
    }
    return responseBody(this.head, { status: "in_progress", output, usage: null });
  }

  /** Why the answer failed, once it has ended failed. */
  get failure(): ErrorInfo | null {
    return this.state.end?.failure ?? null;
  }

  start(): WireEvent[] {
    const response = responseBody(this.head, { status: "in_progress", output: [], usage: null });
    return [this.event("response.created", { response }), this.event("response.in_progress", { response })];
  }

  push(event: ApiTurnEvent): WireEvent[] {
    switch (event.type) {
      case "reasoning":
      case "text":
        return event.text === ""
          ? []
          : this.write(event.type === "text" ? "message" : "reasoning", event.text);
      case "tool_call":
        return this.call(event.call);
      case "done":
        return this.end(endOf(event.finishReason, event.error), event.usage);
    }
  }

  /** The answer's events ended without `done` (the room's stream broke off). */
  brokenOff(): WireEvent[] {
    return this.end(endOf(null, null), null);
  }

  private event(type: string, fields: Record<string, unknown>, weight = 1): WireEvent {
    this.position += weight;
    return { type, sequence_number: this.position - 1, ...fields };
  }

  private write(kind: OpenItem["kind"], text: string): WireEvent[] {
    const events = this.open?.kind === kind ? [] : this.openItem(kind);
    const item = this.open!;
    item.text += text;
    const where = { item_id: item.id, output_index: item.index };
    events.push(
      kind === "message"
        ? this.event(
            "response.output_text.delta",
            { ...where, content_index: 0, delta: text, logprobs: [] },
            text.length,
          )
        : this.event(
            "response.reasoning_summary_text.delta",
            { ...where, summary_index: 0, delta: text },
            text.length,
          ),
    );
    return events;
  }

  private openItem(kind: OpenItem["kind"]): WireEvent[] {
    const events = this.closeItem("completed");
    const index = this.output.length;
    const id = itemIdOf(kind === "message" ? "msg" : "rs", this.messageId, index);
    this.open = { kind, index, id, text: "" };
    const where = { item_id: id, output_index: index };
    if (kind === "message") {
      const item = messageItem(id, "in_progress", null);
      this.output.push(item);
      events.push(
        this.event("response.output_item.added", { output_index: index, item }),
        this.event("response.content_part.added", { ...where, content_index: 0, part: outputText("") }),
      );
    } else {
      const item = reasoningItem(id, null);
      this.output.push(item);
      events.push(
        this.event("response.output_item.added", { output_index: index, item }),
        this.event("response.reasoning_summary_part.added", {
          ...where,
          summary_index: 0,
          part: summaryPart(""),
        }),
      );
    }
    return events;
  }

  private closeItem(status: ItemStatus): WireEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = null;
    const where = { item_id: open.id, output_index: open.index };
    if (open.kind === "message") {
      const item = messageItem(open.id, status, open.text);
      this.output[open.index] = item;
      return [
        this.event("response.output_text.done", {
          ...where,
          content_index: 0,
          text: open.text,
          logprobs: [],
        }),
        this.event("response.content_part.done", { ...where, content_index: 0, part: outputText(open.text) }),
        this.event("response.output_item.done", { output_index: open.index, item }),
      ];
    }
    const item = reasoningItem(open.id, open.text);
    this.output[open.index] = item;
    return [
      this.event("response.reasoning_summary_text.done", { ...where, summary_index: 0, text: open.text }),
      this.event("response.reasoning_summary_part.done", {
        ...where,
        summary_index: 0,
        part: summaryPart(open.text),
      }),
      this.event("response.output_item.done", { output_index: open.index, item }),
    ];
  }

  /** A call arrives whole: its arguments go out as one delta. */
  private call(call: { id: string; name: string; arguments: string }): WireEvent[] {
    const events = this.closeItem("completed");
    const index = this.output.length;
    const id = itemIdOf("fc", this.messageId, index);
    const where = { item_id: id, output_index: index };
    this.output.push(functionCallItem(id, "in_progress", call, ""));
    events.push(this.event("response.output_item.added", { output_index: index, item: this.output[index] }));
    if (call.arguments !== "") {
      events.push(
        this.event(
          "response.function_call_arguments.delta",
          { ...where, delta: call.arguments },
          call.arguments.length,
        ),
      );
    }
    const done = functionCallItem(id, "completed", call, call.arguments);
    this.output[index] = done;
    events.push(
      this.event("response.function_call_arguments.done", { ...where, arguments: call.arguments }),
      this.event("response.output_item.done", { output_index: index, item: done }),
    );
    return events;
  }

  private end(end: ResponseEnd, usage: ResponseState["usage"]): WireEvent[] {
    const events = this.closeItem(end.status === "completed" ? "completed" : "incomplete");
    this.state = { status: end.status, output: [...this.output], usage, end };
    const response = this.response;
    switch (end.status) {
      case "incomplete":
        events.push(this.event("response.incomplete", { response }));
        break;
      case "failed": {
        events.push(this.event("response.failed", { response }));
        const { body } = describeFailure(end.failure ?? BROKEN_STREAM);
        // Flat as openai's ResponseErrorEvent types it, and nested as the SDKs raise it.
        events.push(
          this.event("error", { code: body.code, message: body.message, param: null, error: body }),
        );
        break;
      }
      default:
        events.push(this.event("response.completed", { response }));
    }
    return events;
  }
}

const encoder = new TextEncoder();
const sse = (event: WireEvent) => encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

export function headOf(turn: StartedApiTurn, settings: ResponseSettings): ResponseHead {
  return {
    id: responseIdOf(turn.messageId),
    createdAt: Math.floor(turn.createdAt / 1000),
    model: turn.model,
    settings,
  };
}

/**
 * The answer as a Responses event stream. A client that goes away only stops listening
 * (`return()` on the events): the answer goes on in its room and is stored, like any other.
 */
export function responsesStream(turn: StartedApiTurn, call: { settings: ResponseSettings }): Response {
  const writer = new ResponseEventWriter(headOf(turn, call.settings), turn.messageId);
  return eventStream(writer, turn.events, turn.headers, -1);
}

/**
 * A stored response's events again (`GET /v1/responses/{id}?stream=true&starting_after=N`): the
 * answer's events from its start, written by the same writer as the live stream, so each event
 * has the bytes and sequence number it had then; only those after `after` are sent. An answer
 * still being written goes on live from there.
 */
export function replayedStream(
  head: ResponseHead,
  messageId: string,
  events: AsyncIterable<ApiTurnEvent>,
  headers: Record<string, string>,
  after: number,
): Response {
  return eventStream(new ResponseEventWriter(head, messageId), events, headers, after);
}

function eventStream(
  writer: ResponseEventWriter,
  source: AsyncIterable<ApiTurnEvent>,
  headers: Record<string, string>,
  after: number,
): Response {
  const events = source[Symbol.asyncIterator]();
  /** Enqueues the events after `after`; says whether there was any. */
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, out: WireEvent[]) => {
    let sent = false;
    for (const event of out) {
      if (event.sequence_number <= after) continue;
      controller.enqueue(sse(event));
      sent = true;
    }
    return sent;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      send(controller, writer.start());
    },
    // Reads on until something is sent: a pull that enqueues nothing is not asked again.
    async pull(controller) {
      for (;;) {
        let next: IteratorResult<ApiTurnEvent>;
        try {
          next = await events.next();
        } catch (cause) {
          logError("compat_stream_failed", { dialect: "responses", messageId: writer.head.id, cause });
          next = { done: true, value: undefined };
        }
        const sent = send(controller, next.done ? writer.brokenOff() : writer.push(next.value));
        if (next.done || next.value.type === "done") {
          controller.close();
          void events.return?.();
          return;
        }
        if (sent) return;
      }
    },
    cancel() {
      void events.return?.();
    },
  });
  return new Response(body, {
    headers: {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    },
  });
}
