/**
 * The body of a Gemini `streamGenerateContent` request: Parley's conversation as Gemini turns
 * (files as inline data, tool calls with their thought signatures, tool results by function name),
 * the thinking settings each model generation takes, tools, and JSON mode.
 */
import { attachmentsOf, JSON_MODE_INSTRUCTION } from "./attachments";
import { thinkingBudget } from "./thinking-budget";
import { argumentsObject, replayOf } from "./tool-calls";
import { toolRoundsAsText } from "./tool-history";
import { type ProviderMessage, type ProviderRequest, type ProviderToolChoice, systemText } from "./types";

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
  toolConfig?: { functionCallingConfig: GeminiFunctionCallingConfig };
  generationConfig: {
    maxOutputTokens: number;
    temperature?: number;
    thinkingConfig?: Record<string, unknown>;
    responseMimeType?: string;
    stopSequences?: string[];
  };
}

export interface GeminiFunctionCallingConfig {
  mode: "AUTO" | "NONE" | "ANY";
  allowedFunctionNames?: string[];
}

/** A named tool is mode ANY limited to that one function (the names are only allowed with ANY). */
function functionCallingConfig(choice: ProviderToolChoice): GeminiFunctionCallingConfig {
  if (typeof choice !== "string") return { mode: "ANY", allowedFunctionNames: [choice.name] };
  return { mode: choice === "required" ? "ANY" : choice === "none" ? "NONE" : "AUTO" };
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
  const messages = (request.tools?.length ?? 0) > 0 ? request.messages : toolRoundsAsText(request.messages);
  for (const message of messages) {
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
    // A calling config without function declarations is refused.
    ...(tools.length > 0 && request.toolChoice
      ? { toolConfig: { functionCallingConfig: functionCallingConfig(request.toolChoice) } }
      : {}),
    generationConfig: {
      maxOutputTokens: request.maxOutputTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(thinking ? { thinkingConfig: thinking } : {}),
      ...(request.responseFormat === "json" && !byInstruction
        ? { responseMimeType: "application/json" }
        : {}),
      ...(request.stop?.length ? { stopSequences: request.stop } : {}),
    },
  };
}
