/**
 * Function calling and JSON answers on `streamGenerateContent?alt=sse`, streamed as Gemini does
 * (https://ai.google.dev/gemini-api/docs/function-calling): each call arrives whole, as a
 * `functionCall` part with `args` as an object and no id, the first one of a turn carrying a
 * `thoughtSignature`, and the turn ends with `finishReason: "STOP"`. Once the request carries
 * `functionResponse` parts, the case answers with text that quotes them.
 */
import { type CaseContext, type CaseScript, frameDelay } from "./case-context.ts";
import {
  answerFrames,
  type GeminiPart,
  geminiChunk,
  geminiFrame,
  newGeminiStream,
  streamGeminiFrames,
  streamHeaders,
} from "./gemini-frames.ts";
import {
  argumentsObject,
  JSON_CHUNKS,
  PARALLEL_TOOLS,
  TOOL_PREAMBLE_CHUNKS,
  toolAnswerChunks,
  toolName,
  toolResultsOf,
} from "./tool-script.ts";

/** An opaque thought signature as Gemini attaches it to a turn's first function call. */
export const GEMINI_THOUGHT_SIGNATURE = "CiQB0e2Kb9fakeParleyGeminiSignatureForTestsOnly+0r8AAb1xYz";

/** Answers with the results when the request carries them; otherwise runs `firstLeg`. */
function callTools(firstLeg: CaseScript): CaseScript {
  return (context) => {
    const results = toolResultsOf(context.params);
    if (results.length === 0) return firstLeg(context);
    const frames = answerFrames(newGeminiStream(context.model), {
      texts: toolAnswerChunks(results),
      usage: { prompt: 180, candidates: 14 },
    });
    return streamGeminiFrames(context, frames);
  };
}

function callParts(names: readonly string[]): GeminiPart[] {
  return names.map((name, index) => ({
    functionCall: { name, args: argumentsObject(name) },
    ...(index === 0 ? { thoughtSignature: GEMINI_THOUGHT_SIGNATURE } : {}),
  }));
}

/**
 * A preamble text chunk, then the calls and `STOP` in one chunk. That chunk is written in two
 * socket writes cut inside the arguments, so the client's reader must join the JSON.
 */
async function streamCalls(context: CaseContext, names: readonly string[]): Promise<void> {
  const stream = newGeminiStream(context.model);
  const preamble = geminiFrame(
    geminiChunk(stream, [{ text: TOOL_PREAMBLE_CHUNKS.join("") }], { prompt: 96, candidates: 4 }),
  );
  const calls = geminiFrame(geminiChunk(stream, callParts(names), { prompt: 96, candidates: 31 }, "STOP"));
  const bytes = Buffer.from(calls, "utf8");
  const cut = calls.indexOf('"args"') + 10; // ASCII up to here, so characters = bytes
  context.writer.startStream(200, streamHeaders());
  await context.writer.write(preamble);
  await context.writer.writeBytes(bytes.subarray(0, cut));
  await context.writer.sleep(frameDelay(context, 15));
  await context.writer.writeBytes(bytes.subarray(cut));
  context.writer.end();
}

export const geminiToolCases: Record<string, CaseScript> = {
  tool_call: callTools((context) => streamCalls(context, [toolName(context.params)])),

  tool_call_parallel: callTools((context) => streamCalls(context, PARALLEL_TOOLS)),

  // Gemini's own verdict on a call it could not write.
  tool_call_malformed: callTools((context) =>
    streamGeminiFrames(context, [
      geminiFrame(
        geminiChunk(newGeminiStream(context.model), undefined, { prompt: 96 }, "MALFORMED_FUNCTION_CALL", {
          finishMessage: "Malformed function call: calculate(expression=(17 + 4",
        }),
      ),
    ]),
  ),

  json: (context) =>
    streamGeminiFrames(
      context,
      answerFrames(newGeminiStream(context.model), {
        texts: JSON_CHUNKS,
        usage: { prompt: 40, candidates: 12 },
      }),
    ),
};
