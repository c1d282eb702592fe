/**
 * What the provider is sent for a turn: the visible history with its files, and the request
 * options. Text files are written into their prompt; images and PDFs travel as bytes (read from
 * R2) when the model can take them, and are named otherwise.
 */
import { toBase64 } from "../../attachments";
import { contextOf } from "../../db/branches";
import type { Attachment, Message } from "../../db/schema";
import type { GenerationOptions, ToolCall } from "#protocol/messages";
import { acceptsAttachment } from "../../providers/attachments";
import { DEFAULT_MAX_OUTPUT_TOKENS, type CatalogueModel } from "../../providers/catalogue";
import { rememberReplay } from "../../providers/tool-calls";
import type {
  ProviderAttachment,
  ProviderMessage,
  ProviderRequest,
  ProviderToolCall,
} from "../../providers/types";
import { builtinTools } from "../../tools";
import type { ApiExtras } from "./plan";

/** Sent (not stored) after a stopped answer so any provider carries on from where it ended. */
export const CONTINUE_PROMPT =
  "Continue your previous answer exactly where it stopped. Do not repeat anything you already wrote.";

/**
 * A stored answer that called tools, as the provider saw it being written: for each point in
 * the text where calls were made, the text since the previous point with those calls, then one
 * `tool` message per result; the text after the last calls ends it. Calls without a result are
 * left out (providers refuse a call with no answer); their text stays. `reasoning` is what the
 * model thought while writing the answer, which DeepSeek's thinking mode must be shown again
 * with every call it made.
 */
export function replayedAnswer(
  content: string,
  calls: readonly ToolCall[],
  reasoning = "",
): ProviderMessage[] {
  const groups = new Map<number, ToolCall[]>();
  // A stable sort: calls made at the same point keep their order.
  for (const call of [...calls].sort((a, b) => a.offset - b.offset)) {
    if (call.result === null) continue;
    const group = groups.get(call.offset) ?? [];
    group.push(call);
    groups.set(call.offset, group);
  }
  const out: ProviderMessage[] = [];
  let from = 0;
  for (const [offset, group] of groups) {
    const to = Math.min(Math.max(offset, from), content.length);
    const toolCalls: ProviderToolCall[] = group.map((call) => ({
      id: call.id,
      name: call.name,
      arguments: call.arguments,
    }));
    const [first] = toolCalls;
    if (first && reasoning) rememberReplay(first, { reasoningContent: reasoning });
    out.push({ role: "assistant", content: content.slice(from, to), toolCalls });
    for (const call of group) out.push({ role: "tool", toolCallId: call.id, content: call.result ?? "" });
    from = to;
  }
  const rest = content.slice(from);
  if (rest !== "" || out.length === 0) out.push({ role: "assistant", content: rest });
  return out;
}

export async function providerMessages(
  bucket: R2Bucket,
  path: readonly Message[],
  files: ReadonlyMap<string, Attachment[]>,
  model: CatalogueModel,
): Promise<ProviderMessage[]> {
  const out: ProviderMessage[] = [];
  const reasoning = new Map(path.map((row) => [row.id, row.reasoning]));
  for (const message of contextOf(path)) {
    if (message.role === "assistant" && message.toolCalls) {
      out.push(...replayedAnswer(message.content, message.toolCalls, reasoning.get(message.id)));
      continue;
    }
    const attached = message.role === "user" ? (files.get(message.id) ?? []) : [];
    if (attached.length === 0) {
      out.push({ role: message.role, content: message.content });
      continue;
    }
    let content = message.content;
    const parts: ProviderAttachment[] = [];
    for (const file of attached) {
      const object = await bucket.get(file.r2Key);
      if (!object) {
        content += `\n\n[The file "${file.name}" is no longer available.]`;
      } else if (file.kind === "text") {
        content += `\n\n<file name="${file.name}">\n${await object.text()}\n</file>`;
      } else if (acceptsAttachment(model, file.kind)) {
        const data = toBase64(new Uint8Array(await object.arrayBuffer()));
        parts.push({ kind: file.kind, mimeType: file.mimeType, name: file.name, data });
      } else {
        content += `\n\n[Attached ${file.kind === "image" ? "image" : "PDF"} "${file.name}", which this model cannot read.]`;
      }
    }
    out.push({ role: "user", content, ...(parts.length > 0 ? { attachments: parts } : {}) });
  }
  return out;
}

/** The provider request for a turn's messages and options. */
export function providerRequest(
  model: CatalogueModel,
  options: GenerationOptions,
  systemPrompt: string | undefined,
  messages: ProviderMessage[],
  api: ApiExtras = {},
): ProviderRequest {
  return {
    ...(api.tools && api.tools.length > 0 ? { tools: api.tools } : {}),
    ...(api.toolChoice ? { toolChoice: api.toolChoice } : {}),
    ...(api.stop && api.stop.length > 0 ? { stop: api.stop } : {}),
    model: model.upstreamId,
    maxOutputTokens: options.maxOutputTokens ?? Math.min(model.maxOutput, DEFAULT_MAX_OUTPUT_TOKENS),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.reasoningEffort ? { reasoningEffort: options.reasoningEffort } : {}),
    ...(systemPrompt ? { system: systemPrompt } : {}),
    ...(options.tools ? { tools: builtinTools() } : {}),
    ...(options.responseFormat ? { responseFormat: options.responseFormat } : {}),
    messages,
  };
}
