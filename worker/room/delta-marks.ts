/**
 * Where an answer's frames split its text, so that an API client's stream can be replayed
 * exactly as it went out. The room coalesces chunks into frames at boundaries that depend on
 * timing (docs/decisions/0008), so the stored text alone cannot say which deltas a reader got.
 * These marks can: one entry per event an API client is sent for the answer, in order.
 *
 *   r<n>  n characters of reasoning     t<n>  n characters of text     c  the next tool call
 *
 * e.g. `r12t40t33c`. A few bytes per frame, kept next to the answer in its message row.
 */
import type { FinishReason, ToolCall, Usage } from "#protocol/messages";
import type { ApiTurnEvent } from "../compat/contract";
import { parseToolCalls } from "../db/queries";
import type { Message } from "../db/schema";

/** Records the marks of one answer while its frames go out. */
export class DeltaMarks {
  private readonly parts: string[] = [];

  /** A delta frame: its reasoning goes out before its text, as `frameToApiEvents` sends them. */
  delta(frame: { text: string; reasoning: string }): void {
    if (frame.reasoning) this.parts.push(`r${frame.reasoning.length}`);
    if (frame.text) this.parts.push(`t${frame.text.length}`);
  }

  /** A tool frame announcing a call (result not yet known). */
  call(): void {
    this.parts.push("c");
  }

  toString(): string {
    return this.parts.join("");
  }
}

/** What an answer's events are rebuilt from: its texts and calls so far. */
export interface AnswerSoFar {
  content: string;
  reasoning: string;
  toolCalls: readonly ToolCall[];
}

const MARK = /([rt])(\d+)|c/g;

/**
 * The events an API client following the answer from its start has been sent, rebuilt from the
 * text so far cut at `marks`. Without marks (an answer asked for in the app, or one whose room
 * restarted), the answer is cut as one reading of it would be: the reasoning whole, then the
 * text up to each call, then the call.
 */
export function replayEvents(answer: AnswerSoFar, marks: string | null): ApiTurnEvent[] {
  const events: ApiTurnEvent[] = [];
  const at = { t: 0, r: 0 };
  const take = (kind: "t" | "r", length: number) => {
    const source = kind === "t" ? answer.content : answer.reasoning;
    const text = source.slice(at[kind], at[kind] + length);
    at[kind] += text.length;
    if (text !== "") events.push({ type: kind === "t" ? "text" : "reasoning", text });
  };
  let calls = 0;
  const call = () => {
    const next = answer.toolCalls[calls++];
    if (next)
      events.push({ type: "tool_call", call: { id: next.id, name: next.name, arguments: next.arguments } });
  };
  for (const match of (marks ?? canonicalMarks(answer)).matchAll(MARK)) {
    if (match[1] === "t" || match[1] === "r") take(match[1], Number(match[2]));
    else call();
  }
  return events;
}

function canonicalMarks(answer: AnswerSoFar): string {
  const marks = new DeltaMarks();
  marks.delta({ reasoning: answer.reasoning, text: "" });
  let at = 0;
  for (const next of answer.toolCalls) {
    const end = Math.min(Math.max(next.offset, at), answer.content.length);
    marks.delta({ reasoning: "", text: answer.content.slice(at, end) });
    at = end;
    marks.call();
  }
  marks.delta({ reasoning: "", text: answer.content.slice(at) });
  return marks.toString();
}

/** The columns of a stored answer its `done` event is rebuilt from. */
export type AnswerEnd = Pick<
  Message,
  | "status"
  | "finishReason"
  | "errorCode"
  | "errorMessage"
  | "inputTokens"
  | "outputTokens"
  | "cachedInputTokens"
  | "reasoningTokens"
  | "costUsd"
>;

/** A stored answer's `done`, as its room sent it; null while it is still being written. */
export function doneOf(row: AnswerEnd): Extract<ApiTurnEvent, { type: "done" }> | null {
  if (row.status === "streaming") return null;
  const usage: Usage | null =
    row.inputTokens === null || row.outputTokens === null
      ? null
      : {
          inputTokens: row.inputTokens,
          outputTokens: row.outputTokens,
          ...(row.cachedInputTokens !== null ? { cachedInputTokens: row.cachedInputTokens } : {}),
          ...(row.reasoningTokens !== null ? { reasoningTokens: row.reasoningTokens } : {}),
          costUsd: row.costUsd ?? 0,
        };
  const error =
    row.status === "error"
      ? {
          code: row.errorCode ?? "internal_error",
          message: row.errorMessage ?? "The answer failed.",
          retryable: false,
        }
      : null;
  return { type: "done", finishReason: finishReasonOf(row), usage, error };
}

function finishReasonOf(row: AnswerEnd): FinishReason {
  switch (row.status) {
    case "stopped":
      return "stopped";
    case "interrupted":
      return "interrupted";
    case "error":
      return "error";
    default:
      return (row.finishReason as FinishReason | null) ?? "stop";
  }
}

/** The tool calls column of a row, for `replayEvents`. */
export const callsOf = (raw: string | null): ToolCall[] => (raw ? parseToolCalls(raw) : []);
