/**
 * Tool calls and JSON mode on `POST /v1/chat/completions`, streamed as OpenAI does
 * (https://platform.openai.com/docs/guides/function-calling#streaming): the first piece of each
 * call carries its `index`, `id`, `type` and function name with empty arguments, the arguments
 * follow in fragments under the same `index`, and the last chunk says `finish_reason:
 * "tool_calls"`. Once the request carries `tool` messages, the case answers with text that quotes them.
 */
import type { CaseContext, CaseScript } from "./case-context.ts";
import {
  type ChunkStream,
  choiceList,
  chunk,
  finishFrame,
  newChunkStream,
  openAIUsage,
  roleFrame,
  streamOpenAIFrames,
  textFrames,
  usageFrame,
} from "./openai-frames.ts";
import { dataFrame, DONE_FRAME, randomId } from "./sse-writer.ts";
import {
  argumentFragments,
  JSON_CHUNKS,
  MALFORMED_FRAGMENTS,
  PARALLEL_TOOLS,
  TOOL_REASONING_CHUNKS,
  toolAnswerChunks,
  toolName,
  toolResultsOf,
} from "./tool-script.ts";

interface ScriptedCall {
  name: string;
  fragments: readonly string[];
}

/** The first piece of call `index`: id, type and name, empty arguments. */
function callStart(index: number, name: string): Record<string, unknown> {
  return { index, id: randomId("call_", 24), type: "function", function: { name, arguments: "" } };
}

function fragmentFrame(stream: ChunkStream, index: number, fragment: string): string {
  return dataFrame(chunk(stream, choiceList({ tool_calls: [{ index, function: { arguments: fragment } }] })));
}

/**
 * The frames of one or more calls. The first call starts on the role chunk, as OpenAI sends it
 * (unless something came before, as reasoning does); with several calls their fragments are
 * interleaved, one of each in turn.
 */
function toolCallFrames(stream: ChunkStream, calls: readonly ScriptedCall[], onRoleChunk = true): string[] {
  const starts = calls.map((call, index) => callStart(index, call.name));
  const frames = starts.map((start, index) =>
    index === 0 && onRoleChunk
      ? roleFrame(stream, { content: null, tool_calls: [start] })
      : dataFrame(chunk(stream, choiceList({ tool_calls: [start] }))),
  );
  const longest = Math.max(...calls.map((call) => call.fragments.length));
  for (let step = 0; step < longest; step++) {
    for (const [index, call] of calls.entries()) {
      const fragment = call.fragments[step];
      if (fragment !== undefined) frames.push(fragmentFrame(stream, index, fragment));
    }
  }
  return frames;
}

/** The second leg: a text answer quoting the results. */
function answerWithResults(context: CaseContext, results: readonly string[]): Promise<void> {
  const stream = newChunkStream(context.model);
  return streamOpenAIFrames(context, [
    roleFrame(stream),
    ...textFrames(stream, toolAnswerChunks(results)),
    finishFrame(stream, "stop"),
    usageFrame(stream, openAIUsage(160, 14, 0, 0)),
    DONE_FRAME,
  ]);
}

/** Calls `calls` on the first leg, answers with the results on the next. */
function callTools(calls: (context: CaseContext) => ScriptedCall[]): CaseScript {
  return (context) => {
    const results = toolResultsOf(context.params);
    if (results.length > 0) return answerWithResults(context, results);
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      ...toolCallFrames(stream, calls(context)),
      finishFrame(stream, "tool_calls"),
      usageFrame(stream, openAIUsage(120, 21, 0, 0)),
      DONE_FRAME,
    ]);
  };
}

export const openAIToolCases: Record<string, CaseScript> = {
  tool_call: callTools((context) => {
    const name = toolName(context.params);
    return [{ name, fragments: argumentFragments(name) }];
  }),

  tool_call_parallel: callTools(() =>
    PARALLEL_TOOLS.map((name) => ({ name, fragments: argumentFragments(name) })),
  ),

  // The arguments stop mid-string: not JSON.
  tool_call_malformed: callTools(() => [{ name: "calculate", fragments: MALFORMED_FRAGMENTS }]),

  // DeepSeek thinking mode: reasoning_content first, then the call; usage on the finishing chunk.
  tool_call_reasoning: (context) => {
    const results = toolResultsOf(context.params);
    if (results.length > 0) return answerWithResults(context, results);
    const stream = newChunkStream(context.model);
    const name = toolName(context.params);
    const usage = {
      prompt_tokens: 140,
      completion_tokens: 48,
      total_tokens: 188,
      completion_tokens_details: { reasoning_tokens: 20 },
      prompt_cache_hit_tokens: 0,
      prompt_cache_miss_tokens: 140,
    };
    return streamOpenAIFrames(context, [
      roleFrame(stream, { content: null, reasoning_content: "" }),
      ...TOOL_REASONING_CHUNKS.map((text) =>
        dataFrame(chunk(stream, choiceList({ content: null, reasoning_content: text }))),
      ),
      ...toolCallFrames(stream, [{ name, fragments: argumentFragments(name) }], false),
      dataFrame(chunk(stream, choiceList({ content: "", reasoning_content: null }, "tool_calls"), { usage })),
      DONE_FRAME,
    ]);
  },

  // The answer hits max_tokens in the middle of the call's arguments.
  tool_call_length: (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      ...toolCallFrames(stream, [{ name: "calculate", fragments: MALFORMED_FRAGMENTS }]),
      finishFrame(stream, "length"),
      usageFrame(stream, openAIUsage(120, 16, 0, 0)),
      DONE_FRAME,
    ]);
  },

  // Older Ollama and some local servers: the whole call in one piece without `index`, and
  // `finish_reason: "stop"` after it.
  tool_call_whole: (context) => {
    const results = toolResultsOf(context.params);
    if (results.length > 0) return answerWithResults(context, results);
    const stream = newChunkStream(context.model);
    const name = toolName(context.params);
    const call = {
      id: randomId("call_", 8),
      type: "function",
      function: { name, arguments: argumentFragments(name).join("") },
    };
    return streamOpenAIFrames(context, [
      dataFrame(chunk(stream, choiceList({ role: "assistant", content: "", tool_calls: [call] }))),
      finishFrame(stream, "stop"),
      DONE_FRAME,
    ]);
  },

  json: (context) => {
    const stream = newChunkStream(context.model);
    return streamOpenAIFrames(context, [
      roleFrame(stream),
      ...textFrames(stream, JSON_CHUNKS),
      finishFrame(stream, "stop"),
      usageFrame(stream, openAIUsage(40, 12, 0, 0)),
      DONE_FRAME,
    ]);
  },
};
