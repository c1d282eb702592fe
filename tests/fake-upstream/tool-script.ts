/**
 * What the fake upstream's tool-call and JSON cases say, shared by the three wire formats: which
 * tool the model calls, its arguments cut into the fragments a real API streams, and the answer
 * once the results come back (quoting them, so a test can see the loop went all the way round).
 *
 * Markers: `[[case:tool_call tool=NAME]]` picks the tool (`calculate` when absent; a built-in
 * Parley tool, so the worker's tool loop can run it for real). A request that already carries
 * tool results gets the final text answer instead of another call.
 */
import { toolResultsParam } from "./marker.ts";

/** Each known tool's arguments, cut mid-key and mid-value as real streams cut them. */
const ARGUMENT_FRAGMENTS: Record<string, readonly string[]> = {
  calculate: ['{"expr', 'ession": "(1', "7 + 4)", ' * 2"', "}"],
  get_current_time: ['{"time', 'zone": "Eur', "ope/Par", 'is"}'],
};

/** The tools the parallel case calls, in call order. */
export const PARALLEL_TOOLS = ["calculate", "get_current_time"] as const;

export function toolName(params: { get(name: string): string | null | undefined }): string {
  return params.get("tool") || "calculate";
}

/** The arguments fragments for `name`; an unknown tool is called without arguments. */
export function argumentFragments(name: string): readonly string[] {
  return ARGUMENT_FRAGMENTS[name] ?? ["{", "}"];
}

/** The arguments as a parsed object, for Gemini, which sends each call whole. */
export function argumentsObject(name: string): Record<string, unknown> {
  return JSON.parse(argumentFragments(name).join("")) as Record<string, unknown>;
}

/** A call's arguments cut so they cannot parse: the stream ends mid-string. */
export const MALFORMED_FRAGMENTS = ['{"expr', 'ession": "(1', "7 + 4"];

/** Text some models write before calling a tool. */
export const TOOL_PREAMBLE_CHUNKS = ["Let me", " work that", " out."];

/** Reasoning written before the call (DeepSeek thinking mode, Anthropic extended thinking). */
export const TOOL_REASONING_CHUNKS = ["The user wants", " arithmetic;", " use the tool."];

/** The tool results the request carries (empty on the first leg). */
export function toolResultsOf(params: Map<string, string>): string[] {
  return toolResultsParam(params);
}

/** The final answer, quoting every result it was given. */
export function toolAnswerChunks(results: readonly string[]): string[] {
  return ["The tool", " answered", `: ${results.join("; ")}`, "."];
}

/** JSON mode's answer: one object, streamed in pieces. */
export const JSON_CHUNKS = ['{"answer"', ": 42", ', "unit": ', '"none"', "}"];
