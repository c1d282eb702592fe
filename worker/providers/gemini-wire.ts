/**
 * Gemini's native `streamGenerateContent` wire format
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent): the request
 * body, the streamed `GenerateContentResponse` chunks, and Google's error `Status` objects.
 * Fields degrade to null one by one so an odd value never costs a chunk its text.
 */
import { z } from "zod";
import type { FinishReason } from "#protocol/messages";
import { attachmentsOf, JSON_MODE_INSTRUCTION } from "./attachments";
import { thinkingBudget } from "./thinking-budget";
import { argumentsObject, replayOf } from "./tool-calls";
import { type ProviderMessage, type ProviderRequest, type ProviderUsage, systemText } from "./types";
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

/** Models that think and can stream thought summaries (`thought: true` parts). */
const THINKING_MODEL = /gemini-(?:2\.5|[3-9])/;

/**
 * Gemini 2.5 sizes thinking with `thinkingBudget` (tokens), Gemini 3 and later with
 * `thinkingLevel`; a request with both is rejected (https://ai.google.dev/gemini-api/docs/thinking).
 * Thought summaries are asked for on every thinking model so the reasoning can be shown.
 */
function thinkingConfig(request: ProviderRequest): Record<string, unknown> | undefined {
  const effort = request.reasoningEffort;
  if (effort === undefined) return THINKING_MODEL.test(request.model) ? { includeThoughts: true } : undefined;
  if (/gemini-2\./.test(request.model)) {
    return { includeThoughts: true, thinkingBudget: thinkingBudget(effort, request.maxOutputTokens, 128) };
  }
  return { includeThoughts: true, thinkingLevel: effort };
}

/** One part of a request turn, in the REST API's camelCase spelling. */
export type GeminiRequestPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: { result: string } } };

export interface GeminiRequestBody {
  contents: { role: "user" | "model"; parts: GeminiRequestPart[] }[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: { functionDeclarations: { name: string; description: string; parametersJsonSchema: unknown }[] }[];
  generationConfig: {
    maxOutputTokens: number;
    temperature?: number;
    thinkingConfig?: Record<string, unknown>;
    responseMimeType?: string;
  };
}

/**
 * Gemini 3 and later refuse a function call sent back without the thought signature it came
 * with. When Parley no longer has it (the call was not made by this Worker instance), Google
 * documents this value as the way to skip the check
 * (https://ai.google.dev/gemini-api/docs/thought-signatures).
 */
export const SKIP_SIGNATURE_CHECK = "skip_thought_signature_validator";
const SIGNATURE_CHECKED_MODEL = /gemini-(?:[3-9]|\d{2,})/;

/** A model turn that called tools: its text, then one functionCall part per call. */
function modelParts(message: ProviderMessage, model: string): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = message.content ? [{ text: message.content }] : [];
  for (const [index, call] of (message.toolCalls ?? []).entries()) {
    // Of parallel calls only the first carries a signature.
    const signature =
      replayOf(call)?.geminiThoughtSignature ??
      (index === 0 && SIGNATURE_CHECKED_MODEL.test(model) ? SKIP_SIGNATURE_CHECK : undefined);
    parts.push({
      functionCall: { name: call.name, args: argumentsObject(call) },
      ...(signature ? { thoughtSignature: signature } : {}),
    });
  }
  return parts;
}

/** Files first as inline data, then the text. */
function userParts(message: ProviderMessage): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = attachmentsOf(message).map((attachment) => ({
    inlineData: { mimeType: attachment.mimeType, data: attachment.data },
  }));
  if (message.content || parts.length === 0) parts.push({ text: message.content });
  return parts;
}

/**
 * Parley's messages as Gemini turns. A tool result names its function (Gemini pairs results
 * with calls by name and order, not by id), so the name is looked up from the call; the
 * results of one round of calls go back together in one user turn.
 */
function toGeminiContents(request: ProviderRequest): GeminiRequestBody["contents"] {
  const callNames = new Map<string, string>();
  const contents: GeminiRequestBody["contents"] = [];
  let results: GeminiRequestPart[] | undefined;
  for (const message of request.messages) {
    if (message.role === "system") continue;
    if (message.role !== "tool") results = undefined;
    if (message.role === "tool") {
      const name = callNames.get(message.toolCallId ?? "") ?? "";
      const part: GeminiRequestPart = { functionResponse: { name, response: { result: message.content } } };
      if (results) results.push(part);
      else {
        results = [part];
        contents.push({ role: "user", parts: results });
      }
    } else if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) callNames.set(call.id, call.name);
      contents.push({ role: "model", parts: modelParts(message, request.model) });
    } else {
      contents.push({ role: "user", parts: userParts(message) });
    }
  }
  return contents;
}

/**
 * JSON mode is `responseMimeType`, except that Gemini 2.x refuses it together with function
 * calling; there the instruction asks for JSON instead.
 */
function jsonModeByInstruction(request: ProviderRequest): boolean {
  return (
    request.responseFormat === "json" &&
    (request.tools?.length ?? 0) > 0 &&
    /gemini-[12]\./.test(request.model)
  );
}

export function toGeminiBody(request: ProviderRequest): GeminiRequestBody {
  const byInstruction = jsonModeByInstruction(request);
  const system = [systemText(request), byInstruction ? JSON_MODE_INSTRUCTION : ""]
    .filter(Boolean)
    .join("\n\n");
  const thinking = thinkingConfig(request);
  const tools = request.tools ?? [];
  return {
    contents: toGeminiContents(request),
    ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
    ...(tools.length > 0
      ? {
          tools: [
            {
              functionDeclarations: tools.map(({ name, description, parameters }) => ({
                name,
                description,
                // Full JSON Schema; `parameters` would take only Google's OpenAPI subset.
                parametersJsonSchema: parameters,
              })),
            },
          ],
        }
      : {}),
    generationConfig: {
      maxOutputTokens: request.maxOutputTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(thinking ? { thinkingConfig: thinking } : {}),
      ...(request.responseFormat === "json" && !byInstruction
        ? { responseMimeType: "application/json" }
        : {}),
    },
  };
}
