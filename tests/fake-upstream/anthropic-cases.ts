/** Scripted `POST /v1/messages` streaming responses, one per case name. */
import {
  API_ERROR_BODY,
  AUTH_BODY,
  BAD_REQUEST_BODY,
  blockStartFrame,
  blockStopFrame,
  CONTEXT_BODY,
  CREDIT_BODY,
  deltaFrame,
  errorEventFrame,
  errorHeaders,
  MESSAGE_STOP_FRAME,
  messageDeltaFrame,
  messageStartFrame,
  newMessageStream,
  OVERLOADED_BODY,
  PING_FRAME,
  RATE_LIMIT_BODY,
  streamHeaders,
  textDeltaFrames,
  textMessageFrames,
} from "./anthropic-frames.ts";
import { anthropicToolCases } from "./anthropic-tool-cases.ts";
import {
  type CaseContext,
  type CaseScript,
  cutInside,
  failsThisAttempt,
  frameDelay,
  STALL_LIMIT_MS,
  writeSplit,
} from "./case-context.ts";
import { intParam } from "./marker.ts";
import { commentFrame } from "./sse-writer.ts";
import { LENGTH_CHUNKS, NORMAL_CHUNKS, REASONING_CHUNKS, slowChunks, UTF8_CHUNKS } from "./texts.ts";

async function streamFrames(context: CaseContext, frames: readonly string[], delayMs = 0): Promise<void> {
  context.writer.startStream(200, streamHeaders());
  await context.writer.writeFrames(frames, frameDelay(context, delayMs));
  context.writer.end();
}

function normal(context: CaseContext): Promise<void> {
  return streamFrames(context, textMessageFrames(newMessageStream(context.model), NORMAL_CHUNKS));
}

function failThenOk(
  status: number,
  body: unknown,
  headersFor: (context: CaseContext) => Record<string, string> = () => ({}),
): CaseScript {
  return async (context) => {
    if (failsThisAttempt(context))
      context.writer.sendJson(status, body, errorHeaders(status, headersFor(context)));
    else await normal(context);
  };
}

function alwaysFail(status: number, body: unknown): CaseScript {
  return async (context) => context.writer.sendJson(status, body, errorHeaders(status));
}

/** Writes frames, cutting those that contain `cut(frame)` bytes into two writes. */
async function streamWithSplits(
  context: CaseContext,
  frames: readonly string[],
  cut: (frame: string) => number | undefined,
  pauseMs: number,
): Promise<void> {
  context.writer.startStream(200, streamHeaders());
  for (const frame of frames) {
    const at = cut(frame);
    if (at === undefined) await context.writer.write(frame);
    else await writeSplit(context.writer, frame, at, pauseMs);
  }
  context.writer.end();
}

/** The start of a text message up to (not including) its first delta. */
function textPrelude(context: CaseContext): string[] {
  return [
    messageStartFrame(newMessageStream(context.model)),
    blockStartFrame(0, { type: "text", text: "" }),
    PING_FRAME,
  ];
}

export const anthropicCases: Record<string, CaseScript> = {
  normal,
  // Parley's title request (the OpenAI format has a case of its own): the normal answer.
  title: normal,
  ...anthropicToolCases,

  slow: (context) => {
    const tokens = intParam(context.params, "tokens", 50, 1);
    return streamFrames(
      context,
      textMessageFrames(newMessageStream(context.model), slowChunks(tokens), "end_turn", tokens),
      20,
    );
  },

  // Extended thinking: a thinking block (thinking_delta + signature_delta) before the text block.
  reasoning: (context) => {
    const stream = newMessageStream(context.model);
    return streamFrames(context, [
      messageStartFrame(stream, {
        input_tokens: 30,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      }),
      blockStartFrame(0, { type: "thinking", thinking: "", signature: "" }),
      ...REASONING_CHUNKS.map((thinking) => deltaFrame(0, { type: "thinking_delta", thinking })),
      deltaFrame(0, {
        type: "signature_delta",
        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      }),
      blockStopFrame(0),
      blockStartFrame(1, { type: "text", text: "" }),
      ...textDeltaFrames(1, NORMAL_CHUNKS),
      blockStopFrame(1),
      messageDeltaFrame("end_turn", {
        input_tokens: 30,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 58,
      }),
      MESSAGE_STOP_FRAME,
    ]);
  },

  comments: (context) => {
    const frames = textMessageFrames(newMessageStream(context.model), NORMAL_CHUNKS);
    return streamFrames(context, [
      commentFrame("keep-alive"),
      ...frames.flatMap((frame) => [frame, commentFrame("keep-alive")]),
    ]);
  },

  crlf: (context) => {
    context.writer.lineEnding = "\r\n";
    return normal(context);
  },

  cr: (context) => {
    context.writer.lineEnding = "\r";
    return normal(context);
  },

  "split-utf8": (context) => {
    const frames = textMessageFrames(newMessageStream(context.model), UTF8_CHUNKS);
    const cut = (frame: string): number | undefined => {
      const char = ["é", "🎉"].find((candidate) => frame.includes(candidate));
      return char === undefined ? undefined : cutInside(frame, char);
    };
    return streamWithSplits(context, frames, cut, frameDelay(context, 25));
  },

  "split-json": (context) => {
    const frames = textMessageFrames(newMessageStream(context.model), NORMAL_CHUNKS);
    const cut = (frame: string): number | undefined =>
      frame.includes("text_delta") ? Math.floor(frame.length / 2) : undefined;
    return streamWithSplits(context, frames, cut, frameDelay(context, 10));
  },

  "empty-deltas": (context) => {
    const frames = textMessageFrames(
      newMessageStream(context.model),
      NORMAL_CHUNKS.flatMap((text) => [text, ""]),
    );
    return streamFrames(context, frames);
  },

  "no-done": (context) => {
    const frames = textMessageFrames(newMessageStream(context.model), NORMAL_CHUNKS);
    return streamFrames(context, frames.slice(0, -1));
  },

  // `retry` sets the retry-after hint in seconds (default 0).
  "rate-limit-then-ok": failThenOk(429, RATE_LIMIT_BODY, (context) => ({
    "retry-after": String(intParam(context.params, "retry", 0)),
  })),
  quota: alwaysFail(400, CREDIT_BODY),
  "server-error-then-ok": failThenOk(500, API_ERROR_BODY),
  "server-error": alwaysFail(500, API_ERROR_BODY),
  "overloaded-then-ok": failThenOk(529, OVERLOADED_BODY),
  "bad-request": alwaysFail(400, BAD_REQUEST_BODY),
  auth: alwaysFail(401, AUTH_BODY),
  "context-too-long": alwaysFail(400, CONTEXT_BODY),

  "midstream-error": (context) =>
    streamFrames(context, [
      ...textPrelude(context),
      ...textDeltaFrames(0, NORMAL_CHUNKS.slice(0, 4)),
      errorEventFrame("overloaded_error", "Overloaded"),
    ]),

  "error-then-done": (context) =>
    streamFrames(context, [
      messageStartFrame(newMessageStream(context.model)),
      errorEventFrame("api_error", "Internal server error"),
      MESSAGE_STOP_FRAME,
    ]),

  "first-event-error": (context) =>
    streamFrames(context, [errorEventFrame("overloaded_error", "Overloaded")]),

  drop: async (context) => {
    const after = intParam(context.params, "after", 3);
    context.writer.startStream(200, streamHeaders());
    await context.writer.writeFrames(
      [...textPrelude(context), ...textDeltaFrames(0, NORMAL_CHUNKS.slice(0, after))],
      frameDelay(context, 0),
    );
    await context.writer.sleep(20);
    context.writer.destroy();
  },

  // Newer API versions may add events, deltas and block types; clients must skip them.
  "unknown-event": (context) => {
    const frames = textMessageFrames(newMessageStream(context.model), NORMAL_CHUNKS);
    const unknown = [
      `event: future_event\ndata: ${JSON.stringify({ type: "future_event", detail: { x: 1 } })}\n\n`,
      deltaFrame(0, { type: "future_delta", payload: "ignored" }),
      blockStartFrame(7, { type: "future_block", data: {} }),
      blockStopFrame(7),
    ];
    return streamFrames(context, [...frames.slice(0, 5), ...unknown, ...frames.slice(5)]);
  },

  whitespace: (context) => {
    const frames = textMessageFrames(newMessageStream(context.model), NORMAL_CHUNKS);
    const respaced = frames.map((frame, index) => {
      const [eventLine = "", dataLine = ""] = frame.split("\n");
      const event = eventLine.replace("event: ", "");
      const json: unknown = JSON.parse(dataLine.replace("data: ", ""));
      if (index === 4)
        return `event:${event}\ndata: ${JSON.stringify(json, null, 1).replaceAll("\n", "\ndata: ")}\n\n`;
      return `event:${event}\ndata:${JSON.stringify(json, null, 2).replaceAll("\n", " ")}   \n\n`;
    });
    return streamFrames(context, respaced);
  },

  /** The model wrote a requested stop sequence: the text ends before it, with stop_reason `stop_sequence`. */
  "stop-sequence": (context) =>
    streamFrames(context, [
      ...textPrelude(context),
      ...textDeltaFrames(0, NORMAL_CHUNKS.slice(0, 2)),
      blockStopFrame(0),
      messageDeltaFrame("stop_sequence", { output_tokens: 3 }, " How"),
      MESSAGE_STOP_FRAME,
    ]),

  length: (context) =>
    streamFrames(
      context,
      textMessageFrames(newMessageStream(context.model), LENGTH_CHUNKS, "max_tokens", 16),
    ),

  stall: async (context) => {
    const after = intParam(context.params, "after", 2);
    context.writer.startStream(200, streamHeaders());
    await context.writer.writeFrames(
      [...textPrelude(context), ...textDeltaFrames(0, NORMAL_CHUNKS.slice(0, after))],
      0,
    );
    await context.writer.waitForClientClose(STALL_LIMIT_MS);
    context.writer.end();
  },

  "no-response": async (context) => {
    await context.writer.waitForClientClose(STALL_LIMIT_MS);
    context.writer.end();
  },
};
