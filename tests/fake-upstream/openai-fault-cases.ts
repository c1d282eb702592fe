/** Scripted `POST /v1/chat/completions` failures: HTTP errors, in-stream errors, drops, silence. */
import {
  type CaseContext,
  type CaseScript,
  failsThisAttempt,
  frameDelay,
  STALL_LIMIT_MS,
} from "./case-context.ts";
import { intParam } from "./marker.ts";
import {
  AUTH_BODY,
  BAD_REQUEST_BODY,
  choiceList,
  chunk,
  CONTEXT_BODY,
  errorHeaders,
  newChunkStream,
  OVERLOADED_BODY,
  QUOTA_BODY,
  RATE_LIMIT_BODY,
  roleFrame,
  SERVER_ERROR_BODY,
  streamHeaders,
  streamNormal,
  streamOpenAIFrames,
  textFrames,
} from "./openai-frames.ts";
import { dataFrame, DONE_FRAME } from "./sse-writer.ts";
import { NORMAL_CHUNKS } from "./texts.ts";

/** A case that fails with `status`/`body` on the first `fails` attempts, then answers normally. */
function failThenOk(
  status: number,
  body: unknown,
  headersFor: (context: CaseContext) => Record<string, string> = () => ({}),
): CaseScript {
  return async (context) => {
    if (failsThisAttempt(context)) context.writer.sendJson(status, body, errorHeaders(headersFor(context)));
    else await streamNormal(context);
  };
}

function alwaysFail(status: number, body: unknown): CaseScript {
  return async (context) => context.writer.sendJson(status, body, errorHeaders());
}

export const openAIFaultCases: Record<string, CaseScript> = {
  // `retryms` sets the hint (default 50 ms); retry-after carries the same wait in whole seconds.
  "rate-limit-then-ok": failThenOk(429, RATE_LIMIT_BODY, (context) => {
    const waitMs = intParam(context.params, "retryms", 50);
    return { "retry-after-ms": String(waitMs), "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) };
  }),
  quota: alwaysFail(429, QUOTA_BODY),
  "server-error-then-ok": failThenOk(500, SERVER_ERROR_BODY),
  "server-error": alwaysFail(500, SERVER_ERROR_BODY),
  "overloaded-then-ok": failThenOk(503, OVERLOADED_BODY),
  "bad-request": alwaysFail(400, BAD_REQUEST_BODY),
  auth: alwaysFail(401, AUTH_BODY),
  "context-too-long": alwaysFail(400, CONTEXT_BODY),

  // OpenRouter: a failure after streaming began is a chunk with a top-level error.
  "midstream-error": (context) => {
    const stream = newChunkStream(context.model);
    const error = { code: "server_error", message: "Provider disconnected unexpectedly" };
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, NORMAL_CHUNKS.slice(0, 4)),
      dataFrame(chunk(stream, choiceList({ content: "" }, "error"), { provider: "OpenAI", error })),
    ]);
  },

  // llama.cpp: the error arrives as a data frame, then the stream still ends with [DONE].
  "error-then-done": (context) => {
    const error = {
      code: 400,
      message: "the request exceeds the available context size, try increasing it",
      type: "exceed_context_size_error",
      n_prompt_tokens: 5120,
      n_ctx: 4096,
    };
    return streamOpenAIFrames(context, [dataFrame({ error }), DONE_FRAME]);
  },

  "first-event-error": (context) => streamOpenAIFrames(context, [dataFrame(SERVER_ERROR_BODY)]),

  // vLLM and some gateways: a named `event: error` frame after text, then the stream closes.
  "event-error": (context) => {
    const stream = newChunkStream(context.model);
    const error = { message: "Worker crashed while generating", type: "server_error", code: "502" };
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, NORMAL_CHUNKS.slice(0, 2)),
      `event: error\ndata: ${JSON.stringify({ error })}\n\n`,
    ]);
  },

  drop: async (context) => {
    const stream = newChunkStream(context.model);
    const after = intParam(context.params, "after", 3);
    context.writer.startStream(200, streamHeaders());
    await context.writer.writeFrames(
      [roleFrame(stream), ...textFrames(stream, NORMAL_CHUNKS.slice(0, after))],
      frameDelay(context, 0),
    );
    await context.writer.sleep(20);
    context.writer.destroy();
  },

  stall: async (context) => {
    const stream = newChunkStream(context.model);
    const after = intParam(context.params, "after", 2);
    context.writer.startStream(200, streamHeaders());
    await context.writer.writeFrames(
      [roleFrame(stream), ...textFrames(stream, NORMAL_CHUNKS.slice(0, after))],
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
