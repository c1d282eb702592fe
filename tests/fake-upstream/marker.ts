/**
 * Case selection for the fake upstream. A test picks what the fake does by putting a marker in
 * the text of the last user message, e.g. `[[case:slow tokens=200 delay=20 tag=abc]]`, so
 * concurrent tests never share "next response" state: everything is decided by the request itself.
 */

export interface CaseMarker {
  name: string;
  params: Map<string, string>;
  /** Groups requests in the log (and counts attempts); null when the marker has no `tag=`. */
  tag: string | null;
}

const MARKER_PATTERN = /\[\[case:([A-Za-z0-9_-]+)((?:\s+[A-Za-z0-9_-]+=[^\s\]]*)*)\s*\]\]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The text of one chat message: a plain string or the text parts of a content array. */
function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("\n");
}

function turnsOf(body: unknown): unknown[] {
  if (!isRecord(body)) return [];
  return Array.isArray(body.messages) ? body.messages : Array.isArray(body.contents) ? body.contents : [];
}

/**
 * Text of the last `user` message that has text, in an OpenAI or Anthropic (`messages`) or
 * Gemini (`contents`) body. User turns without text are skipped: after a tool call, Anthropic
 * and Gemini send the results as a user turn of `tool_result` / `functionResponse` parts, and
 * the marker of the prompt before them must still pick the case.
 */
export function lastUserText(body: unknown): string {
  const turns = turnsOf(body);
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn: unknown = turns[index];
    if (!isRecord(turn) || turn.role !== "user") continue;
    const text = messageText(turn.content ?? turn.parts);
    if (text.trim() !== "") return text;
  }
  return "";
}

/** A tool result's content as text: a string, or the text parts of a content array. */
function resultText(content: unknown): string {
  return typeof content === "string" ? content : messageText(content);
}

/**
 * The tool results the request sends back, in order, in any of the three formats: OpenAI
 * `tool` messages, Anthropic `tool_result` blocks, Gemini `functionResponse` parts (their
 * `response.result`, or the whole response as JSON).
 */
export function toolResults(body: unknown): string[] {
  const results: string[] = [];
  for (const turn of turnsOf(body)) {
    if (!isRecord(turn)) continue;
    if (turn.role === "tool") results.push(resultText(turn.content));
    const parts = Array.isArray(turn.content) ? turn.content : Array.isArray(turn.parts) ? turn.parts : [];
    for (const part of parts) {
      if (!isRecord(part)) continue;
      if (part.type === "tool_result") results.push(resultText(part.content));
      const response = isRecord(part.functionResponse) ? part.functionResponse.response : undefined;
      if (isRecord(response)) {
        results.push(typeof response.result === "string" ? response.result : JSON.stringify(response));
      }
    }
  }
  return results;
}

/**
 * The params key under which `findCaseMarker` hands cases the tool results of the request (a
 * JSON array of strings), when it has any. Markers cannot spell it (`@` is not a key character).
 */
export const TOOL_RESULTS_PARAM = "@tool_results";

/** How Parley asks for a conversation's title (worker/room/auto-title.ts). */
const TITLE_REQUEST = /^Write a title of/;

/** The text of the first `user` message, without case markers. */
function firstUserText(body: unknown): string {
  const first = turnsOf(body).find((turn) => isRecord(turn) && turn.role === "user");
  const text = isRecord(first) ? messageText(first.content ?? first.parts) : "";
  return text.replace(new RegExp(MARKER_PATTERN.source, "g"), "").trim();
}

export function findCaseMarker(body: unknown): CaseMarker {
  // A title request answers with a title made from the first prompt (the `title` case).
  if (TITLE_REQUEST.test(lastUserText(body))) {
    return { name: "title", params: new Map([["subject", firstUserText(body)]]), tag: null };
  }
  const match = MARKER_PATTERN.exec(lastUserText(body));
  if (!match) return { name: "normal", params: new Map(), tag: null };
  const params = new Map<string, string>();
  for (const pair of (match[2] ?? "").trim().split(/\s+/)) {
    const separator = pair.indexOf("=");
    if (separator > 0) params.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  const results = toolResults(body);
  if (results.length > 0) params.set(TOOL_RESULTS_PARAM, JSON.stringify(results));
  return { name: match[1] ?? "normal", params, tag: params.get("tag") ?? null };
}

/** The tool results `findCaseMarker` found in the request (empty on a first request). */
export function toolResultsParam(params: { get(name: string): string | null | undefined }): string[] {
  const raw = params.get(TOOL_RESULTS_PARAM);
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/** An integer parameter clamped to [min, max]; the fallback when absent or not a number. */
export function intParam(
  params: { get(name: string): string | null | undefined },
  name: string,
  fallback: number,
  min = 0,
  max = 100_000,
): number {
  const raw = params.get(name);
  const value = raw === undefined || raw === null ? Number.NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
