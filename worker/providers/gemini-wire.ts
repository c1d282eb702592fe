/**
 * What Gemini's native `streamGenerateContent` sends back
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent): the streamed
 * `GenerateContentResponse` chunks, their usage and finish reasons, and Google's error `Status`
 * objects. Fields degrade to null one by one so an odd value never costs a chunk its text.
 * The request body is built in gemini-request.ts.
 */
import { z } from "zod";
import type { FinishReason } from "#protocol/messages";
import type { ProviderUsage } from "./types";
import type { UpstreamFailure } from "./upstream-errors";

const text = z.string().nullish().catch(null);
const count = z.number().nonnegative().nullish().catch(null);

const usageMetadataSchema = z.object({
  promptTokenCount: count,
  candidatesTokenCount: count,
  thoughtsTokenCount: count,
  cachedContentTokenCount: count,
});
export type GeminiUsage = z.infer<typeof usageMetadataSchema>;

const partSchema = z.object({
  text,
  thought: z.boolean().nullish().catch(null),
  /** On a function call (Gemini 3 and later); must be sent back with it. */
  thoughtSignature: text,
  /** A whole function call: Gemini never splits one across chunks. `args` is an object. */
  functionCall: z.object({ id: text, name: text, args: z.unknown() }).nullish().catch(null),
});
export type GeminiPart = z.infer<typeof partSchema>;

const candidateSchema = z.object({
  index: z.number().nullish().catch(null),
  content: z
    .object({ parts: z.array(partSchema.nullable().catch(null)).nullish().catch(null) })
    .nullish()
    .catch(null),
  finishReason: text,
});

/** google.rpc.Status, the shape of every Google API error (https://google.aip.dev/193). */
const statusSchema = z.object({
  code: z.number().nullish().catch(null),
  message: text,
  status: text,
  details: z.array(z.unknown()).nullish().catch(null),
});
type GoogleStatus = z.infer<typeof statusSchema>;

const chunkSchema = z.object({
  candidates: z.array(candidateSchema.nullable().catch(null)).nullish().catch(null),
  usageMetadata: usageMetadataSchema.nullish().catch(null),
  promptFeedback: z.object({ blockReason: text }).nullish().catch(null),
  /** Google can end a 200 stream with an error object instead of a candidate. */
  error: statusSchema.nullish().catch(null),
});
export type GeminiChunk = z.infer<typeof chunkSchema>;

const retryInfoSchema = z.object({
  "@type": z.string().endsWith("google.rpc.RetryInfo"),
  retryDelay: z.string(),
});
const errorInfoSchema = z.object({
  "@type": z.string().endsWith("google.rpc.ErrorInfo"),
  reason: z.string(),
});
const errorBodySchema = z.object({ error: statusSchema });

/** A chunk from one SSE `data:` payload; null when it is not JSON or not a chunk at all. */
export function parseGeminiChunk(data: string): GeminiChunk | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const chunk = chunkSchema.safeParse(json);
  return chunk.success ? chunk.data : null;
}

/** A protobuf Duration as JSON ("7s", "0.250s") in ms. */
function durationMs(duration: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** Google's Status → UpstreamFailure: `status` as the type, ErrorInfo's reason (or the code) as the code. */
export function describeGoogleStatus(
  error: GoogleStatus,
  httpStatus?: number,
  headers?: Headers,
): UpstreamFailure {
  let retryAfterMs: number | undefined;
  let reason: string | undefined;
  for (const detail of error.details ?? []) {
    const retryInfo = retryInfoSchema.safeParse(detail);
    if (retryInfo.success) retryAfterMs = durationMs(retryInfo.data.retryDelay);
    const errorInfo = errorInfoSchema.safeParse(detail);
    if (errorInfo.success) reason = errorInfo.data.reason;
  }
  return {
    status: httpStatus,
    headers,
    type: error.status ?? undefined,
    code: reason ?? (error.code == null ? undefined : String(error.code)),
    message: error.message ?? undefined,
    retryAfterMs,
  };
}

/** A non-2xx response → UpstreamFailure, whether or not its body is Google's JSON. */
export async function describeGeminiHttpError(response: Response): Promise<UpstreamFailure> {
  const raw = await response.text().catch(() => "");
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  // Without alt=sse Google wraps everything, errors included, in a JSON array.
  const body = errorBodySchema.safeParse(Array.isArray(json) ? json[0] : json);
  if (!body.success)
    return { status: response.status, headers: response.headers, message: response.statusText };
  return describeGoogleStatus(body.data.error, response.status, response.headers);
}

/** `usageMetadata` holds running totals: the latest value of each field wins. */
export function mergeGeminiUsage(current: GeminiUsage, update: GeminiUsage | null | undefined): GeminiUsage {
  if (!update) return current;
  return {
    promptTokenCount: update.promptTokenCount ?? current.promptTokenCount,
    candidatesTokenCount: update.candidatesTokenCount ?? current.candidatesTokenCount,
    thoughtsTokenCount: update.thoughtsTokenCount ?? current.thoughtsTokenCount,
    cachedContentTokenCount: update.cachedContentTokenCount ?? current.cachedContentTokenCount,
  };
}

/** Gemini counts thoughts apart from `candidatesTokenCount`; Parley's output includes them (both are billed). */
export function toGeminiUsage(usage: GeminiUsage): ProviderUsage {
  const thoughts = usage.thoughtsTokenCount;
  const normalized: ProviderUsage = {
    inputTokens: usage.promptTokenCount ?? 0,
    outputTokens: (usage.candidatesTokenCount ?? 0) + (thoughts ?? 0),
  };
  if (usage.cachedContentTokenCount != null) normalized.cachedInputTokens = usage.cachedContentTokenCount;
  if (thoughts != null) normalized.reasoningTokens = thoughts;
  return normalized;
}

const BLOCKED = ["SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"];

/** The model tried to call a tool and wrote something unusable. */
export function isMalformedCallReason(reason: string): boolean {
  return reason === "MALFORMED_FUNCTION_CALL" || reason === "UNEXPECTED_TOOL_CALL";
}

export function geminiFinishReason(reason: string): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (BLOCKED.includes(reason) || reason.startsWith("IMAGE_")) return "content_filter";
  if (/FUNCTION_CALL|TOOL_CALL/.test(reason)) return "tool_calls";
  return "stop";
}
