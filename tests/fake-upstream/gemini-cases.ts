/**
 * Scripted `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` streams: every shape a
 * successful answer takes. Failures live in gemini-fault-cases.ts.
 */
import { type CaseScript, cutInside, frameDelay, writeSplit } from "./case-context.ts";
import { geminiFaultCases } from "./gemini-fault-cases.ts";
import { geminiToolCases } from "./gemini-tool-cases.ts";
import {
  answerFrames,
  GEMINI_NORMAL_CHUNKS,
  GEMINI_NORMAL_USAGE,
  GEMINI_THOUGHT_CHUNKS,
  geminiChunk,
  geminiFrame,
  newGeminiStream,
  normalFrames,
  streamGeminiFrames,
  streamHeaders,
  streamNormal,
  usageMetadata,
} from "./gemini-frames.ts";
import { intParam } from "./marker.ts";
import { LENGTH_CHUNKS, slowChunks, UTF8_CHUNKS } from "./texts.ts";

const successCases: Record<string, CaseScript> = {
  normal: streamNormal,
  // Parley's title request (the OpenAI format has a case of its own): the normal answer.
  title: streamNormal,

  slow: (context) => {
    const tokens = intParam(context.params, "tokens", 50, 1);
    const usage = { prompt: 25, candidates: tokens };
    return streamGeminiFrames(
      context,
      answerFrames(newGeminiStream(context.model), { texts: slowChunks(tokens), usage }),
      20,
    );
  },

  // Thought summaries (includeThoughts) as `thought: true` parts; Gemini 3 signs the first answer part.
  reasoning: (context) => {
    const stream = newGeminiStream(context.model);
    const usage = { prompt: 16, candidates: 9, thoughts: 38 };
    const frames = answerFrames(stream, {
      texts: GEMINI_NORMAL_CHUNKS,
      thoughts: GEMINI_THOUGHT_CHUNKS,
      usage,
    });
    const signed = geminiChunk(
      stream,
      [{ text: "", thoughtSignature: "CiQB0e2Kb7cQZ2hYz1Jq0n6c3pYk+0r8AAb1" }],
      {
        prompt: 16,
        thoughts: 38,
      },
    );
    return streamGeminiFrames(context, [...frames.slice(0, 2), geminiFrame(signed), ...frames.slice(2)]);
  },

  length: (context) =>
    streamGeminiFrames(
      context,
      answerFrames(newGeminiStream(context.model), {
        texts: LENGTH_CHUNKS,
        finishReason: "MAX_TOKENS",
        usage: { prompt: 40, candidates: 16 },
      }),
    ),

  // The answer is stopped mid-way: the last candidate has no content, only the reason and ratings.
  safety: (context) => {
    const stream = newGeminiStream(context.model);
    const usage = { prompt: 12, candidates: 4 };
    const ratings = [
      { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
      { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
    ];
    return streamGeminiFrames(context, [
      ...answerFrames(stream, { texts: ["Here is how", " to"], usage, finishReason: null }),
      geminiFrame(geminiChunk(stream, undefined, usage, "SAFETY", { safetyRatings: ratings })),
    ]);
  },

  // The prompt itself is refused: no candidates at all, only promptFeedback.
  "prompt-blocked": (context) =>
    streamGeminiFrames(context, [
      geminiFrame({
        promptFeedback: {
          blockReason: "PROHIBITED_CONTENT",
          safetyRatings: [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH" }],
        },
        usageMetadata: usageMetadata({ prompt: 9 }),
        modelVersion: context.model,
        responseId: newGeminiStream(context.model).responseId,
      }),
    ]),

  "split-utf8": async (context) => {
    const frames = answerFrames(newGeminiStream(context.model), {
      texts: UTF8_CHUNKS,
      usage: GEMINI_NORMAL_USAGE,
    });
    context.writer.startStream(200, streamHeaders());
    for (const frame of frames) {
      const char = ["é", "🎉"].find((candidate) => frame.includes(candidate));
      if (char === undefined) await context.writer.write(frame);
      else await writeSplit(context.writer, frame, cutInside(frame, char), frameDelay(context, 25));
    }
    context.writer.end();
  },

  // Each CRLF CRLF cut after its first CR and again before its last LF.
  "split-crlf": async (context) => {
    const pause = frameDelay(context, 10);
    context.writer.startStream(200, streamHeaders());
    for (const frame of normalFrames(context)) {
      const bytes = Buffer.from(frame, "utf8");
      await context.writer.writeBytes(bytes.subarray(0, bytes.length - 3));
      await context.writer.sleep(pause);
      await context.writer.writeBytes(bytes.subarray(bytes.length - 3, bytes.length - 1));
      await context.writer.sleep(pause);
      await context.writer.writeBytes(bytes.subarray(bytes.length - 1));
    }
    context.writer.end();
  },

  // Fields and part kinds this adapter does not use: citations, grounding, code execution, files.
  "unknown-fields": (context) => {
    const stream = newGeminiStream(context.model);
    const [first = "", ...rest] = GEMINI_NORMAL_CHUNKS;
    const extra = geminiChunk(
      stream,
      [
        { text: first },
        { executableCode: { language: "PYTHON", code: "print(1)" } },
        { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      ],
      { prompt: 1250, cached: 1024, candidates: 3 },
      undefined,
      { citationMetadata: { citationSources: [{ startIndex: 0, endIndex: 5, uri: "https://example.com" }] } },
    );
    const future = { ...extra, groundingMetadata: { webSearchQueries: [] }, futureField: { x: 1 } };
    return streamGeminiFrames(context, [
      geminiFrame(future),
      ...answerFrames(stream, { texts: rest, usage: GEMINI_NORMAL_USAGE }),
    ]);
  },

  // Closed cleanly before any chunk said finishReason: the answer is not known to be complete.
  "no-finish": (context) => streamGeminiFrames(context, normalFrames(context).slice(0, 2)),
};

export const geminiCases: Record<string, CaseScript> = {
  ...successCases,
  ...geminiFaultCases,
  ...geminiToolCases,
};
