/**
 * Tool use and JSON answers on `POST /v1/messages`, streamed as Anthropic does
 * (https://docs.anthropic.com/en/docs/build-with-claude/tool-use#streaming): a `tool_use`
 * content block starts with its id and name and an empty `input`, its input JSON follows in
 * `input_json_delta.partial_json` fragments (the first one empty), and the message ends with
 * `stop_reason: "tool_use"`. Once the request carries `tool_result` blocks, the case answers
 * with text that quotes them.
 */
import {
  blockStartFrame,
  blockStopFrame,
  deltaFrame,
  MESSAGE_STOP_FRAME,
  messageDeltaFrame,
  messageStartFrame,
  newMessageStream,
  PING_FRAME,
  streamHeaders,
  textDeltaFrames,
  textMessageFrames,
} from "./anthropic-frames.ts";
import { type CaseContext, type CaseScript, frameDelay } from "./case-context.ts";
import { randomId } from "./sse-writer.ts";
import {
  argumentFragments,
  JSON_CHUNKS,
  MALFORMED_FRAGMENTS,
  PARALLEL_TOOLS,
  TOOL_PREAMBLE_CHUNKS,
  TOOL_REASONING_CHUNKS,
  toolAnswerChunks,
  toolName,
  toolResultsOf,
} from "./tool-script.ts";

/** A signature as Anthropic sends it on thinking blocks (opaque base64). */
export const THINKING_SIGNATURE = "EqQBCkYIBxgCKkDfakeParleySignatureForTestsOnly0123456789abcdefABCDEF==";

interface ScriptedCall {
  name: string;
  fragments: readonly string[];
}

async function streamFrames(context: CaseContext, frames: readonly string[]): Promise<void> {
  context.writer.startStream(200, streamHeaders());
  await context.writer.writeFrames(frames, frameDelay(context, 0));
  context.writer.end();
}

/** One `tool_use` block at `index`: start, an empty first fragment, the fragments, stop. */
function toolUseFrames(index: number, call: ScriptedCall): string[] {
  return [
    blockStartFrame(index, { type: "tool_use", id: randomId("toolu_01", 22), name: call.name, input: {} }),
    deltaFrame(index, { type: "input_json_delta", partial_json: "" }),
    ...call.fragments.map((partial_json) => deltaFrame(index, { type: "input_json_delta", partial_json })),
    blockStopFrame(index),
  ];
}

/**
 * A message that writes a short text, then calls `calls` one block after the other (Anthropic
 * streams parallel calls as consecutive blocks), after an optional signed thinking block.
 */
function toolMessageFrames(
  context: CaseContext,
  calls: readonly ScriptedCall[],
  thinking: boolean,
): string[] {
  const frames = [
    messageStartFrame(newMessageStream(context.model), {
      input_tokens: 412,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    }),
  ];
  let index = 0;
  if (thinking) {
    frames.push(
      blockStartFrame(index, { type: "thinking", thinking: "", signature: "" }),
      ...TOOL_REASONING_CHUNKS.map((text) => deltaFrame(index, { type: "thinking_delta", thinking: text })),
      deltaFrame(index, { type: "signature_delta", signature: THINKING_SIGNATURE }),
      blockStopFrame(index),
    );
    index++;
  }
  frames.push(
    blockStartFrame(index, { type: "text", text: "" }),
    PING_FRAME,
    ...textDeltaFrames(index, TOOL_PREAMBLE_CHUNKS),
    blockStopFrame(index),
  );
  for (const call of calls) frames.push(...toolUseFrames(++index, call));
  frames.push(messageDeltaFrame("tool_use", { output_tokens: 87 }), MESSAGE_STOP_FRAME);
  return frames;
}

/** Calls the tools on the first leg, answers with the results once the request carries them. */
function callTools(calls: (context: CaseContext) => ScriptedCall[], thinking = false): CaseScript {
  return (context) => {
    const results = toolResultsOf(context.params);
    if (results.length > 0) {
      const stream = newMessageStream(context.model);
      return streamFrames(context, textMessageFrames(stream, toolAnswerChunks(results), "end_turn", 14));
    }
    return streamFrames(context, toolMessageFrames(context, calls(context), thinking));
  };
}

function namedCall(context: CaseContext): ScriptedCall[] {
  const name = toolName(context.params);
  return [{ name, fragments: argumentFragments(name) }];
}

export const anthropicToolCases: Record<string, CaseScript> = {
  tool_call: callTools(namedCall),

  tool_call_parallel: callTools(() =>
    PARALLEL_TOOLS.map((name) => ({ name, fragments: argumentFragments(name) })),
  ),

  // Extended thinking before the call: the signed thinking block must come back with the results.
  tool_call_thinking: callTools(namedCall, true),

  // The input JSON stops mid-string: not JSON.
  tool_call_malformed: callTools(() => [{ name: "calculate", fragments: MALFORMED_FRAGMENTS }]),

  json: (context) =>
    streamFrames(context, textMessageFrames(newMessageStream(context.model), JSON_CHUNKS, "end_turn", 12)),
};
