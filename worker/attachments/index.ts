/**
 * Attachments: which files Parley takes, how it recognises them, and how they reach a model.
 * The bytes are stored in R2 (binding ATTACHMENTS) under `a/<owner>/<id>`; a D1 row says whose
 * they are and which message carries them (worker/db/attachments.ts).
 *
 * The declared type is never trusted alone: images and PDFs must start with their format's
 * signature, and text must be valid UTF-8. A file whose bytes do not match is refused.
 */
import { z } from "zod";
import type { AttachmentInfo } from "#protocol/messages";
import { AppError } from "../errors";

export type AttachmentKind = AttachmentInfo["kind"];

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export const TEXT_TYPES = [
  "text/plain",
  "text/markdown",
  "text/csv",
  "text/html",
  "text/css",
  "text/javascript",
  "application/json",
  "application/xml",
  "text/xml",
  "application/x-yaml",
  "text/yaml",
] as const;
/** Extensions sent as text whatever type the browser guessed (code and config files). */
const TEXT_EXTENSIONS =
  /\.(txt|md|markdown|csv|tsv|json|jsonl|xml|ya?ml|toml|ini|log|html?|css|js|mjs|cjs|jsx|ts|tsx|py|rb|go|rs|java|kt|c|h|cc|cpp|hpp|cs|php|sh|bash|zsh|sql|swift|scala|lua|r|pl|ex|exs|vue|svelte)$/i;

const limitsSchema = z.object({
  ATTACHMENT_MAX_MB: z.coerce.number().positive().max(100).default(10),
  ATTACHMENT_TEXT_MAX_KB: z.coerce.number().positive().max(2048).default(512),
});

export interface AttachmentLimits {
  maxBytes: number;
  maxTextBytes: number;
}

export function attachmentLimits(env: object): AttachmentLimits {
  const parsed = limitsSchema.safeParse(env);
  const values = parsed.success ? parsed.data : limitsSchema.parse({});
  return {
    maxBytes: Math.floor(values.ATTACHMENT_MAX_MB * 1024 * 1024),
    maxTextBytes: Math.floor(values.ATTACHMENT_TEXT_MAX_KB * 1024),
  };
}

/** An upload Parley refuses, with the status that says why. */
export function attachmentRefused(
  code: "unsupported_file_type" | "file_too_large" | "file_mismatch" | "empty_file",
  message: string,
  status: 400 | 413 | 415,
): AppError {
  return new AppError(status, code, message);
}

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
  return signature.every((byte, i) => bytes[at + i] === byte);
}

/** The image type the bytes really are, if any. */
function sniffImage(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return "image/webp";
  }
  return null;
}

const isPdf = (bytes: Uint8Array) => startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]); // %PDF-

/** A file name safe to store and show: no path, no control characters, at most 200 chars. */
export function cleanName(raw: string | null | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim();
  return clean.slice(0, 200) || "file";
}

/**
 * The name a download is saved under: the stored name without Unicode direction controls, which
 * would make a file manager show "invoice\u202Efdp.exe" as "invoiceexe.pdf". (The app shows them
 * as visible tags instead, web/src/direction.ts.)
 */
export function downloadName(name: string): string {
  return name.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, "") || "file";
}

/**
 * What Parley stores this upload as, or a refusal (AppError). `declared` is the request's
 * Content-Type (parameters ignored).
 */
export function classify(
  bytes: Uint8Array,
  declared: string,
  name: string,
  limits: AttachmentLimits,
): { kind: AttachmentKind; mimeType: string } {
  if (bytes.byteLength === 0) throw attachmentRefused("empty_file", "The file is empty.", 400);
  if (bytes.byteLength > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const type = declared.split(";")[0]!.trim().toLowerCase();
  if ((IMAGE_TYPES as readonly string[]).includes(type)) {
    const real = sniffImage(bytes);
    if (!real) throw mismatch(name, "an image");
    return { kind: "image", mimeType: real };
  }
  if (type === "application/pdf") {
    if (!isPdf(bytes)) throw mismatch(name, "a PDF");
    return { kind: "pdf", mimeType: "application/pdf" };
  }
  if (
    (TEXT_TYPES as readonly string[]).includes(type) ||
    type.startsWith("text/") ||
    TEXT_EXTENSIONS.test(name)
  ) {
    if (bytes.byteLength > limits.maxTextBytes) throw tooLarge(limits.maxTextBytes, "text file");
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw mismatch(name, "UTF-8 text");
    }
    return {
      kind: "text",
      mimeType: type.startsWith("text/") || type === "application/json" ? type : "text/plain",
    };
  }
  throw attachmentRefused(
    "unsupported_file_type",
    "Parley takes images (PNG, JPEG, WebP, GIF), PDFs and text or code files.",
    415,
  );
}

function tooLarge(max: number, what = "file"): AppError {
  const size = max >= 1024 * 1024 ? `${Math.round(max / 1024 / 1024)} MB` : `${Math.round(max / 1024)} KB`;
  return attachmentRefused("file_too_large", `A ${what} may be at most ${size}.`, 413);
}

function mismatch(name: string, what: string): AppError {
  return attachmentRefused("file_mismatch", `"${name}" does not look like ${what}.`, 400);
}

/**
 * Reads a request body up to `max` bytes; a longer body is refused as soon as it goes past the
 * cap, without buffering the rest.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export function objectKey(ownerId: string, id: string): string {
  return `a/${ownerId}/${id}`;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Standard base64 to bytes; throws on text that is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
