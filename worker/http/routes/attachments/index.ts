/**
 * `/api/v1/attachments`: upload a file before sending it with a prompt, read it back, or delete
 * an upload that was not sent. Uploads go through the worker (size-capped while reading) into R2;
 * see docs/attachments.md for why not presigned URLs.
 */
import { authorize } from "../../../auth/policy";
import {
  attachmentRefused,
  attachmentLimits,
  cleanName,
  downloadName,
  readCapped,
} from "../../../attachments";
import { storeUpload } from "../../../attachments/store";
import { deleteAttachmentRows, findAttachment, toAttachmentInfo } from "../../../db/attachments";
import { database } from "../../../db/queries";
import { AppError, notFound } from "../../../errors";
import { createRouter } from "../../router";
import { deleteAttachmentRoute, getAttachmentRoute, uploadAttachmentRoute } from "./routes";

export const attachmentRoutes = createRouter()
  .openapi(uploadAttachmentRoute, async (c) => {
    const limits = attachmentLimits(c.env);
    const declaredLength = Number(c.req.header("content-length") ?? "0");
    if (declaredLength > limits.maxBytes) {
      throw attachmentRefused(
        "file_too_large",
        `A file may be at most ${Math.round(limits.maxBytes / 1048576)} MB.`,
        413,
      );
    }
    const name = cleanName(c.req.valid("query").name);
    const bytes = await readCapped(c.req.raw.body, limits.maxBytes);
    const row = await storeUpload(c.env, c.get("identity").userId, {
      name,
      bytes,
      declaredType: c.req.header("content-type") ?? "",
    });
    return c.json({ attachment: toAttachmentInfo(row) }, 201);
  })

  /**
   * The file, for whoever may read the conversation it was sent in (share links included, with
   * `?share=<token>`); an upload not sent yet only for its owner.
   */
  .openapi(getAttachmentRoute, async (c) => {
    const db = database(c.env.DB);
    const row = await findAttachment(db, c.req.valid("param").id);
    const userId = c.get("identity").userId;
    if (!row) throw notFound("File");
    if (row.conversationId) {
      await authorize(db, row.conversationId, userId, "read", c.req.valid("query").share).catch(() => {
        throw notFound("File");
      });
    } else if (row.ownerId !== userId) {
      throw notFound("File");
    }
    const object = await c.env.ATTACHMENTS.get(row.r2Key);
    if (!object) throw notFound("File");
    // Text is served as plain text so a browser never runs an uploaded HTML or script file.
    const type = row.kind === "text" ? "text/plain; charset=utf-8" : row.mimeType;
    const disposition = row.kind === "text" ? "attachment" : "inline";
    return new Response(object.body, {
      headers: {
        "content-type": type,
        "content-length": String(row.size),
        "content-disposition": `${disposition}; filename*=UTF-8''${encodeURIComponent(downloadName(row.name))}`,
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
      },
    });
  })

  /** Removes an upload its owner decided not to send; a sent file stays with its message. */
  .openapi(deleteAttachmentRoute, async (c) => {
    const db = database(c.env.DB);
    const row = await findAttachment(db, c.req.valid("param").id);
    if (!row || row.ownerId !== c.get("identity").userId) throw notFound("File");
    if (row.messageId) {
      throw new AppError(
        409,
        "attachment_sent",
        "This file was sent with a message; delete the message instead.",
      );
    }
    await deleteAttachmentRows(db, [row.id]);
    await c.env.ATTACHMENTS.delete(row.r2Key);
    return c.body(null, 204);
  });
