/**
 * Tool calls on the provider side: assembling the pieces upstreams stream (an id and a name
 * first, the JSON arguments cut into many fragments, several calls interleaved) into complete
 * `ProviderToolCall`s, checking that the arguments are JSON, and remembering what an upstream
 * needs to see again when the results are sent back (Anthropic's signed thinking blocks,
 * Gemini's thought signatures, DeepSeek's reasoning).
 */
import type { RedactedThinkingBlockParam, ThinkingBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { ProviderToolCall } from "./types";

/**
 * Thrown when a model's tool call cannot be used (arguments that are not a JSON object, a call
 * without a name). Like any unreadable upstream output it becomes an `upstream_error`, retried
 * while nothing has reached users yet. The message names no argument text.
 */
export class MalformedToolCallError extends Error {
  constructor(detail: string) {
    super(`malformed tool call: ${detail}`);
  }
}

/** An id for a call whose upstream gave none (Gemini), unique enough to pair call and result. */
export function newToolCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/**
 * The arguments as one compact JSON object text: "" (a call without arguments) becomes "{}",
 * anything that is not a JSON object is rejected.
 */
export function normalizeArguments(raw: string): string {
  if (raw.trim() === "") return "{}";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new MalformedToolCallError("the arguments are not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new MalformedToolCallError("the arguments are not a JSON object");
  }
  return JSON.stringify(parsed);
}

/** The arguments of a call already made, as an object, for APIs that want it parsed ({} if unreadable). */
export function argumentsObject(call: ProviderToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments || "{}");
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

interface PartialCall {
  id: string | undefined;
  name: string;
  arguments: string;
}

/**
 * Collects streamed tool-call pieces by a key (OpenAI's `index`, Anthropic's content-block
 * index) in the order the calls began, then hands them out complete.
 */
export class ToolCallAssembler {
  readonly #calls = new Map<number, PartialCall>();

  get size(): number {
    return this.#calls.size;
  }

  /** A call's first piece, or a later one repeating the id or name: the first value given wins. */
  begin(key: number, id: string | null | undefined, name: string | null | undefined): void {
    const call = this.#calls.get(key) ?? { id: undefined, name: "", arguments: "" };
    if (!call.id && id) call.id = id;
    if (!call.name && name) call.name = name;
    this.#calls.set(key, call);
  }

  /**
   * Appends an arguments fragment to the call begun at `key`; fragments for anything else (e.g.
   * the input of a tool the upstream runs itself) are ignored.
   */
  append(key: number, fragment: string): void {
    const call = this.#calls.get(key);
    if (call) call.arguments += fragment;
  }

  /** The complete calls in the order they began; throws MalformedToolCallError for an unusable one. */
  complete(): ProviderToolCall[] {
    return [...this.#calls.values()].map((call) => {
      if (!call.name) throw new MalformedToolCallError("a call has no function name");
      return {
        id: call.id ?? newToolCallId(),
        name: call.name,
        arguments: normalizeArguments(call.arguments),
      };
    });
  }
}

/**
 * The calls of a finished response, all checked before any is emitted (one bad call fails the
 * answer as a whole). When the answer was cut at the token limit, calls cut with it are
 * dropped instead: the finish reason (`length`) already says what happened.
 */
export function finishedCalls(assembler: ToolCallAssembler, cutAtLimit: boolean): ProviderToolCall[] {
  try {
    return assembler.complete();
  } catch (error) {
    if (cutAtLimit && error instanceof MalformedToolCallError) return [];
    throw error;
  }
}

/**
 * What an upstream must be shown again, unchanged, when Parley sends back the results of the
 * calls it made in one response. Never leaves the Worker (it is not on the call object itself,
 * so nothing of it reaches clients or storage).
 */
export interface ToolCallReplay {
  /** Anthropic: the response's thinking / redacted_thinking blocks, with their signatures. */
  anthropicThinking?: (ThinkingBlockParam | RedactedThinkingBlockParam)[];
  /** Gemini: the thought signature that came on this call's functionCall part. */
  geminiThoughtSignature?: string;
  /** DeepSeek thinking mode: the reasoning written before the calls. */
  reasoningContent?: string;
}

const replays = new WeakMap<ProviderToolCall, ToolCallReplay>();

/**
 * Attaches replay data to a call emitted by an adapter. The tool loop passes the very same call
 * objects back in the next request's assistant message, which is how the adapter finds it again.
 */
export function rememberReplay(call: ProviderToolCall, replay: ToolCallReplay): void {
  replays.set(call, { ...replays.get(call), ...replay });
}

export function replayOf(call: ProviderToolCall): ToolCallReplay | undefined {
  return replays.get(call);
}

/** The first replay data found among the calls of one assistant message. */
export function replayOfAny(calls: readonly ProviderToolCall[] | undefined): ToolCallReplay | undefined {
  for (const call of calls ?? []) {
    const replay = replays.get(call);
    if (replay) return replay;
  }
  return undefined;
}
