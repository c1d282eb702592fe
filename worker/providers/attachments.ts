/**
 * Files sent with a prompt, on the provider side: which models can take which kind, and the
 * small helpers the adapters share to put the bytes in each API's format. Reading, validating
 * and extracting files is the caller's job; adapters get base64 bytes and send what they get.
 */
import type { CatalogueModel } from "./catalogue-model";
import type { ProviderAttachment, ProviderMessage, ProviderRequest } from "./types";

export type AttachmentKind = ProviderAttachment["kind"];

/**
 * Providers whose API takes a PDF as a document (OpenAI `file` parts, Anthropic `document`
 * blocks, Gemini inline data, OpenRouter's `file` parts). DeepSeek and the OpenAI-compatible
 * servers behind custom endpoints take no files: their PDFs must be sent as extracted text.
 */
export const PDF_PROVIDER_IDS: readonly string[] = ["openai", "anthropic", "gemini", "openrouter"];

/**
 * Whether `model` can be sent an attachment of `kind` as a file: images need a vision model;
 * PDFs need a vision model of a provider that reads documents.
 */
export function acceptsAttachment(
  model: Pick<CatalogueModel, "provider" | "caps">,
  kind: AttachmentKind,
): boolean {
  if (!model.caps.vision) return false;
  return kind === "image" || PDF_PROVIDER_IDS.includes(model.provider);
}

/** `data:<mime>;base64,<bytes>`, as OpenAI-style APIs take inline files. */
export function dataURL(attachment: ProviderAttachment): string {
  return `data:${attachment.mimeType};base64,${attachment.data}`;
}

/** The attachments of a message (none unless it is a user message that has some). */
export function attachmentsOf(message: ProviderMessage): ProviderAttachment[] {
  return message.role === "user" ? (message.attachments ?? []) : [];
}

/**
 * What JSON mode adds to the instructions where the API has no switch for it (Anthropic) or
 * wants the prompt to ask for JSON too (OpenAI, DeepSeek).
 */
export const JSON_MODE_INSTRUCTION =
  "Answer with a single valid JSON object and nothing else: no prose and no Markdown code fence around it.";

/** Whether any instruction or message already asks for JSON (OpenAI rejects JSON mode otherwise). */
export function mentionsJson(request: ProviderRequest): boolean {
  return [request.system ?? "", ...request.messages.map((message) => message.content)].some((text) =>
    /json/i.test(text),
  );
}
