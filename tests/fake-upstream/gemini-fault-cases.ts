/** Scripted Gemini failures: Google's HTTP errors, a Status inside a 200 stream, drops, silence. */
import {
  type CaseContext,
  type CaseScript,
  failsThisAttempt,
  frameDelay,
  STALL_LIMIT_MS,
} from "./case-context.ts";
import {
  answerFrames,
  errorHeaders,
  errorInfo,
  GEMINI_NORMAL_USAGE,
  geminiFrame,
  googleErrorBody,
  newGeminiStream,
  normalFrames,
  QUOTA_FAILURE,
  RATE_LIMIT_MESSAGE,
  retryInfo,
  streamGeminiFrames,
  streamHeaders,
  streamNormal,
} from "./gemini-frames.ts";
import { intParam } from "./marker.ts";
import { NORMAL_CHUNKS } from "./texts.ts";

function sendError(context: CaseContext, status: number, body: string): void {
  context.writer.sendBody(status, body, errorHeaders());
}

function failThenOk(status: number, bodyFor: (context: CaseContext) => string): CaseScript {
  return async (context) => {
    if (failsThisAttempt(context)) sendError(context, status, bodyFor(context));
    else await streamNormal(context);
  };
}

function alwaysFail(status: number, body: string): CaseScript {
  return async (context) => sendError(context, status, body);
}

const SERVER_ERROR_BODY = googleErrorBody(
  500,
  "INTERNAL",
  "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
);
const OVERLOADED_BODY = googleErrorBody(
  503,
  "UNAVAILABLE",
  "The model is overloaded. Please try again later.",
);

export const geminiFaultCases: Record<string, CaseScript> = {
  // `retryms` sets RetryInfo.retryDelay (default 50 ms).
  "rate-limit-then-ok": failThenOk(429, (context) =>
    googleErrorBody(429, "RESOURCE_EXHAUSTED", RATE_LIMIT_MESSAGE, [
      QUOTA_FAILURE,
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [
          {
            description: "Learn more about Gemini API quotas",
            url: "https://ai.google.dev/gemini-api/docs/rate-limits",
          },
        ],
      },
      retryInfo(intParam(context.params, "retryms", 50)),
    ]),
  ),
  "server-error-then-ok": failThenOk(500, () => SERVER_ERROR_BODY),
  "server-error": alwaysFail(500, SERVER_ERROR_BODY),
  "overloaded-then-ok": failThenOk(503, () => OVERLOADED_BODY),
  deadline: alwaysFail(
    504,
    googleErrorBody(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
  ),
  // Google reports a wrong key as a 400, not a 401.
  auth: alwaysFail(
    400,
    googleErrorBody(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      errorInfo("API_KEY_INVALID"),
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ]),
  ),
  "permission-denied": alwaysFail(
    403,
    googleErrorBody(
      403,
      "PERMISSION_DENIED",
      "Permission denied: Consumer 'api_key:AIzaSyTEST' has been suspended.",
      [errorInfo("CONSUMER_SUSPENDED")],
    ),
  ),
  "bad-request": alwaysFail(
    400,
    googleErrorBody(
      400,
      "INVALID_ARGUMENT",
      "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\"",
      [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [{ field: "generation_config.temperature", description: "Invalid value" }],
        },
      ],
    ),
  ),
  "context-too-long": alwaysFail(
    400,
    googleErrorBody(
      400,
      "INVALID_ARGUMENT",
      "The input token count (1187432) exceeds the maximum number of tokens allowed (1048576).",
    ),
  ),
  "model-not-found": alwaysFail(
    404,
    googleErrorBody(
      404,
      "NOT_FOUND",
      "models/gemini-0.9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
    ),
  ),

  // After a 200 and some text, Google ends the stream with a Status instead of a candidate.
  "midstream-error": (context) =>
    streamGeminiFrames(context, [
      ...normalFrames(context).slice(0, 2),
      geminiFrame({
        error: {
          code: 503,
          message: "The model is overloaded. Please try again later.",
          status: "UNAVAILABLE",
        },
      }),
    ]),

  "first-event-error": (context) =>
    streamGeminiFrames(context, [
      geminiFrame({ error: { code: 500, message: "An internal error has occurred.", status: "INTERNAL" } }),
    ]),

  drop: async (context) => {
    const after = intParam(context.params, "after", 2);
    context.writer.startStream(200, streamHeaders());
    await context.writer.writeFrames(normalFrames(context).slice(0, after), frameDelay(context, 0));
    await context.writer.sleep(20);
    context.writer.destroy();
  },

  // Token-sized frames here, so `after` counts the same words as the other formats' stall.
  stall: async (context) => {
    const after = intParam(context.params, "after", 2);
    const frames = answerFrames(newGeminiStream(context.model), {
      texts: NORMAL_CHUNKS,
      usage: GEMINI_NORMAL_USAGE,
    });
    context.writer.startStream(200, streamHeaders());
    await context.writer.writeFrames(frames.slice(0, after), 0);
    await context.writer.waitForClientClose(STALL_LIMIT_MS);
    context.writer.end();
  },

  "no-response": async (context) => {
    await context.writer.waitForClientClose(STALL_LIMIT_MS);
    context.writer.end();
  },
};
