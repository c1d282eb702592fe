/**
 * How an answer is laid out around what the model did while writing it: the tool calls placed
 * where they happened in the text, a one-line summary of each call, and whether the whole answer
 * is JSON (shown as a formatted code block instead of prose).
 */
import type { ToolCall } from "#protocol/messages";

export type AnswerPart = { kind: "text"; text: string } | { kind: "tools"; calls: ToolCall[] };

/**
 * The answer's text cut at the offsets where tools were called, with the calls in between. Calls
 * at the same offset form one group; an offset past the text (the call is running) puts the group
 * at the end.
 */
export function splitAtToolCalls(content: string, calls: readonly ToolCall[]): AnswerPart[] {
  if (calls.length === 0) return [{ kind: "text", text: content }];
  const groups = new Map<number, ToolCall[]>();
  for (const call of calls) {
    const at = Math.min(Math.max(0, call.offset), content.length);
    groups.set(at, [...(groups.get(at) ?? []), call]);
  }
  const parts: AnswerPart[] = [];
  let from = 0;
  for (const at of [...groups.keys()].sort((a, b) => a - b)) {
    if (at > from) parts.push({ kind: "text", text: content.slice(from, at) });
    parts.push({ kind: "tools", calls: groups.get(at)! });
    from = at;
  }
  if (from < content.length) parts.push({ kind: "text", text: content.slice(from) });
  return parts;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function compact(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value) ?? "";
}

/** The arguments in a few words: the only value when there is one (`2+2`), else compact JSON. */
export function describeArguments(argumentsJson: string): string {
  const args = parse(argumentsJson || "{}");
  if (args && typeof args === "object" && !Array.isArray(args)) {
    const values = Object.values(args);
    if (values.length === 0) return "";
    if (values.length === 1) return shorten(compact(values[0]), 60);
  }
  return shorten(args === undefined ? argumentsJson : compact(args), 60);
}

/** The result in a few words: `result`, `local` or `error` of the built-in tools, else the text. */
export function describeResult(result: string): string {
  const value = parse(result);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const fields = value as Record<string, unknown>;
    if ("error" in fields) return `error: ${shorten(compact(fields.error), 60)}`;
    if ("result" in fields) return shorten(compact(fields.result), 60);
    if ("local" in fields) return shorten(compact(fields.local), 60);
  }
  return shorten(value === undefined ? result : compact(value), 60);
}

/** "Used calculate · 2+2 → 4", or "Using calculate · 2+2…" while the tool runs. */
export function summarizeToolCall(call: ToolCall): string {
  const args = describeArguments(call.arguments);
  if (call.result === null) return `Using ${call.name}${args ? ` · ${args}` : ""}…`;
  return `Used ${call.name}${args ? ` · ${args}` : ""} → ${describeResult(call.result)}`;
}

/** Pretty-printed JSON text, or the raw text when it is not JSON. */
export function prettyJson(text: string): string {
  const value = parse(text);
  return value === undefined ? text : JSON.stringify(value, null, 2);
}

/**
 * The answer as formatted JSON when its whole text is one JSON object or array (JSON mode, or a
 * model that answered with bare JSON); null otherwise. A fenced ```json block is left to markdown.
 */
export function jsonAnswer(content: string): string | null {
  const text = content.trim();
  if (!(text.startsWith("{") && text.endsWith("}")) && !(text.startsWith("[") && text.endsWith("]")))
    return null;
  const value = parse(text);
  if (value === null || typeof value !== "object") return null;
  return JSON.stringify(value, null, 2);
}

/** While streaming: the answer so far looks like the start of a JSON object (keep it out of markdown). */
export function looksLikeJsonSoFar(content: string): boolean {
  return /^\s*\{\s*("|\}|$)/.test(content);
}
