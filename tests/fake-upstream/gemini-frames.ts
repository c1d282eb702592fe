/**
 * Real-shaped Gemini `streamGenerateContent?alt=sse` chunks and Google error bodies
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). Google's
 * serializer writes `"key": value` pairs joined by bare commas, frames end in CRLF CRLF, and
 * there is no terminator: the last chunk carries `finishReason`.
 */
import { type CaseContext, frameDelay } from "./case-context.ts";
import { randomId } from "./sse-writer.ts";

export interface GeminiStream {
  model: string;
  responseId: string;
}

export function newGeminiStream(model: string): GeminiStream {
  return { model, responseId: randomId("", 22) };
}

/** JSON the way Google's frontend writes it: a space after each colon, none after commas. */
export function googleJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(googleJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value).filter(([, field]) => field !== undefined);
    return `{${fields.map(([key, field]) => `${JSON.stringify(key)}: ${googleJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function geminiFrame(payload: unknown): string {
  return `data: ${googleJson(payload)}\r\n\r\n`;
}

/** A content part: `{text}`, `{text, thought: true}`, or kinds this adapter skips (code, files). */
export type GeminiPart = Record<string, unknown>;

/** `usageMetadata` as Google reports it: running totals, thoughts apart from candidates. */
export interface UsageTotals {
  prompt: number;
  candidates?: number;
  thoughts?: number;
  cached?: number;
}

export function usageMetadata(totals: UsageTotals): Record<string, unknown> {
  const { prompt, candidates, thoughts, cached } = totals;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + (candidates ?? 0) + (thoughts ?? 0),
    cachedContentTokenCount: cached,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
    cacheTokensDetails: cached === undefined ? undefined : [{ modality: "TEXT", tokenCount: cached }],
    thoughtsTokenCount: thoughts,
  };
}

export function geminiChunk(
  stream: GeminiStream,
  parts: GeminiPart[] | undefined,
  usage: UsageTotals,
  finishReason?: string,
  extraCandidate: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    candidates: [
      {
        content: parts === undefined ? undefined : { parts, role: "model" },
        finishReason,
        index: 0,
        ...extraCandidate,
      },
    ],
    usageMetadata: usageMetadata(usage),
    modelVersion: stream.model,
    responseId: stream.responseId,
  };
}

/**
 * One frame per text, running usage totals, `finishReason` on the last one (none when null) —
 * the usual shape. Thought texts come first as `thought: true` parts.
 */
export function answerFrames(
  stream: GeminiStream,
  options: {
    texts: readonly string[];
    thoughts?: readonly string[];
    finishReason?: string | null;
    usage: UsageTotals;
  },
): string[] {
  const { texts, thoughts = [], finishReason = "STOP", usage } = options;
  const frames: string[] = [];
  for (const [index, text] of thoughts.entries()) {
    const running = {
      prompt: usage.prompt,
      cached: usage.cached,
      thoughts: Math.ceil(((usage.thoughts ?? 0) * (index + 1)) / thoughts.length),
    };
    frames.push(geminiFrame(geminiChunk(stream, [{ text, thought: true }], running)));
  }
  for (const [index, text] of texts.entries()) {
    const last = index === texts.length - 1;
    const running = {
      ...usage,
      candidates: last ? usage.candidates : Math.min(usage.candidates ?? 0, index + 1),
    };
    const reason = last ? (finishReason ?? undefined) : undefined;
    frames.push(geminiFrame(geminiChunk(stream, [{ text }], running, reason)));
  }
  return frames;
}

export function streamHeaders(): Record<string, string> {
  return {
    "content-type": "text/event-stream",
    "content-disposition": "attachment",
    vary: "Origin, X-Origin, Referer",
    server: "scaffolding on HTTPServer2",
    "x-xss-protection": "0",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "server-timing": "gfet4t7; dur=412",
  };
}

/** google.rpc.Status, pretty-printed with two spaces as Google's frontend sends it. */
export function googleErrorBody(code: number, status: string, message: string, details?: unknown[]): string {
  return `${JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }, null, 2)}\n`;
}

export function retryInfo(delayMs: number): unknown {
  return { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${delayMs / 1000}s` };
}

export function errorInfo(reason: string): unknown {
  return {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    reason,
    domain: "googleapis.com",
    metadata: { service: "generativelanguage.googleapis.com" },
  };
}

export const RATE_LIMIT_MESSAGE =
  "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-2.5-flash";

export const QUOTA_FAILURE = {
  "@type": "type.googleapis.com/google.rpc.QuotaFailure",
  violations: [
    {
      quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
      quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
      quotaDimensions: { location: "global", model: "gemini-2.5-flash" },
      quotaValue: "10",
    },
  ],
};

export function errorHeaders(): Record<string, string> {
  return {
    "content-type": "application/json; charset=UTF-8",
    vary: "Origin, X-Origin, Referer",
    server: "ESF",
  };
}

/** Sends a 200 event stream of `frames`, `delay` param (or `delayMs`) apart, then ends it. */
export async function streamGeminiFrames(
  context: CaseContext,
  frames: readonly string[],
  delayMs = 0,
): Promise<void> {
  context.writer.startStream(200, streamHeaders());
  await context.writer.writeFrames(frames, frameDelay(context, delayMs));
  context.writer.end();
}

/** NORMAL_CHUNKS as Gemini cuts them: fewer, longer pieces. */
export const GEMINI_NORMAL_CHUNKS = ["Hello! How", " can I help", " you today?"];
export const GEMINI_THOUGHT_CHUNKS = ["The user greets me;", " answer politely."];
/** A warm context cache: 1024 of the 1250 prompt tokens cached. */
export const GEMINI_NORMAL_USAGE: UsageTotals = { prompt: 1250, cached: 1024, candidates: 9 };

export function normalFrames(context: CaseContext): string[] {
  return answerFrames(newGeminiStream(context.model), {
    texts: GEMINI_NORMAL_CHUNKS,
    usage: GEMINI_NORMAL_USAGE,
  });
}

/** The `normal` case. */
export function streamNormal(context: CaseContext): Promise<void> {
  return streamGeminiFrames(context, normalFrames(context));
}
