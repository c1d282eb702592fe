/**
 * What the provider is sent for a turn: the visible history with its files, and the request
 * options. Text files are written into their prompt; images and PDFs travel as bytes (read from
 * R2) when the model can take them, and are named otherwise.
 */
import { toBase64 } from "../../attachments";
import { contextOf } from "../../db/branches";
import type { Attachment, Message } from "../../db/schema";
import type { GenerationOptions } from "#protocol/messages";
import { acceptsAttachment } from "../../providers/attachments";
import { DEFAULT_MAX_OUTPUT_TOKENS, type CatalogueModel } from "../../providers/catalogue";
import type { ProviderAttachment, ProviderMessage, ProviderRequest } from "../../providers/types";
import { builtinTools } from "../../tools";
import type { ApiExtras } from "./plan";

/** Sent (not stored) after a stopped answer so any provider carries on from where it ended. */
export const CONTINUE_PROMPT =
  "Continue your previous answer exactly where it stopped. Do not repeat anything you already wrote.";

export async function providerMessages(
  bucket: R2Bucket,
  path: readonly Message[],
  files: ReadonlyMap<string, Attachment[]>,
  model: CatalogueModel,
): Promise<ProviderMessage[]> {
  const out: ProviderMessage[] = [];
  for (const message of contextOf(path)) {
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
