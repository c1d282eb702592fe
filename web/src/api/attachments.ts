/**
 * The attachments API as the browser uses it: uploading one file as raw bytes with progress
 * (`POST /api/v1/attachments`), deleting an upload that was never sent, and the address a stored
 * file is read from (docs/attachments.md).
 */
import type { AttachmentInfo } from "#protocol/messages";
import { ApiError } from "./client.ts";
import { apiErrorSchema, attachmentInfoSchema, loadSchemas } from "../lazy-schemas.ts";

/** Where a stored file can be read; people who opened the chat through a link pass its token. */
export function attachmentUrl(id: string, shareToken?: string): string {
  const base = `/api/v1/attachments/${encodeURIComponent(id)}`;
  return shareToken ? `${base}?share=${encodeURIComponent(shareToken)}` : base;
}

export type Uploader = (
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
) => Promise<AttachmentInfo>;

/**
 * Uploads one file as the raw request body. XMLHttpRequest rather than fetch: only it reports
 * upload progress. Refusals come back as ApiError with the server's code and message.
 */
export const uploadAttachment: Uploader = (file, onProgress, signal) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/attachments?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    // The answer is read once the schemas have arrived too (the app's first request fetched them).
    const settle = () => {
      const body = parseBody(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        const parsed = attachmentInfoSchema.safeParse(isRecord(body) ? body.attachment : undefined);
        if (parsed.success) resolve(parsed.data);
        else
          reject(
            new ApiError(xhr.status, "bad_response", "The server sent an answer Parley did not understand."),
          );
        return;
      }
      const error = apiErrorSchema.safeParse(body);
      reject(
        error.success
          ? new ApiError(xhr.status, error.data.error.code, error.data.error.message)
          : new ApiError(xhr.status, "http_error", "The upload failed. Try again in a moment."),
      );
    };
    xhr.addEventListener("load", () => void loadSchemas().then(settle, reject));
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "network_error", "The upload failed: check your connection and try again.")),
    );
    xhr.addEventListener("abort", () => reject(new DOMException("The upload was cancelled.", "AbortError")));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });

/** Removes an upload that was not sent. Best effort: if it fails, the file stays stored, readable only by its owner. */
export async function deleteUpload(id: string): Promise<void> {
  try {
    await fetch(attachmentUrl(id), { method: "DELETE", credentials: "same-origin" });
  } catch {
    // Offline: nothing more to do; an unsent upload is visible to nobody but its owner.
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
