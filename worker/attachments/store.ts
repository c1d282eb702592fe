/**
 * Storing one upload: its bytes in R2 and the D1 row that says whose it is. Files not sent yet
 * belong to no message; the sweep (./sweep.ts) removes those left behind.
 */
import { insertAttachment } from "../db/attachments";
import { database } from "../db/queries";
import type { Attachment } from "../db/schema";
import { attachmentLimits, classify, objectKey } from "./index";

export async function storeUpload(
  env: Env,
  ownerId: string,
  file: { name: string; bytes: Uint8Array; declaredType: string },
): Promise<Attachment> {
  const { kind, mimeType } = classify(file.bytes, file.declaredType, file.name, attachmentLimits(env));
  const id = crypto.randomUUID();
  const key = objectKey(ownerId, id);
  await env.ATTACHMENTS.put(key, file.bytes, { httpMetadata: { contentType: mimeType } });
  const row: Attachment = {
    id,
    ownerId,
    conversationId: null,
    messageId: null,
    name: file.name,
    mimeType,
    kind,
    size: file.bytes.byteLength,
    r2Key: key,
    createdAt: Date.now(),
  };
  try {
    await insertAttachment(database(env.DB), row);
  } catch (cause) {
    await env.ATTACHMENTS.delete(key).catch(() => undefined);
    throw cause;
  }
  return row;
}
