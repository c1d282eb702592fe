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

/** Text of the last `user` message in an OpenAI or Anthropic (`messages`) or Gemini (`contents`) body. */
export function lastUserText(body: unknown): string {
  if (!isRecord(body)) return "";
  const turns = Array.isArray(body.messages)
    ? body.messages
    : Array.isArray(body.contents)
      ? body.contents
      : [];
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn: unknown = turns[index];
    if (isRecord(turn) && turn.role === "user") return messageText(turn.content ?? turn.parts);
  }
  return "";
}

export function findCaseMarker(body: unknown): CaseMarker {
  const match = MARKER_PATTERN.exec(lastUserText(body));
  if (!match) return { name: "normal", params: new Map(), tag: null };
  const params = new Map<string, string>();
  for (const pair of (match[2] ?? "").trim().split(/\s+/)) {
    const separator = pair.indexOf("=");
    if (separator > 0) params.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  return { name: match[1] ?? "normal", params, tag: params.get("tag") ?? null };
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
