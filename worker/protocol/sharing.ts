/** Live share links (docs/sharing.md): a conversation's link as its owner sees it, and what it opens. */
import { z } from "zod";
import { personSchema, roomRoleSchema } from "./frames.ts";

export const SHARE_MODES = ["watch", "collaborate"] as const;
export const shareModeSchema = z.enum(SHARE_MODES);
export type ShareMode = z.infer<typeof shareModeSchema>;

/** A conversation's live share link, as its owner sees it. */
export const shareSchema = z.object({
  token: z.string(),
  mode: shareModeSchema,
  /** Path of the SPA route that opens the room: `/s/<token>`. */
  path: z.string(),
  createdAt: z.number(),
});
export type Share = z.infer<typeof shareSchema>;

/** `PUT /api/v1/conversations/:id/share` body: create the link, or change its mode. */
export const sharePutSchema = z.object({ mode: shareModeSchema }).strict();

/** `GET /api/v1/shares/:token`: what a share link opens, for the person holding it. */
export const shareInfoSchema = z.object({
  conversation: z.object({ id: z.string(), title: z.string() }),
  mode: shareModeSchema,
  role: roomRoleSchema,
});
export type ShareInfo = z.infer<typeof shareInfoSchema>;

export const shareAnswerSchema = z.object({ share: shareSchema });

/** `GET /api/v1/conversations/:id/share`: the link (or null) and who is in the room right now. */
export const shareStateSchema = z.object({
  share: shareSchema.nullable(),
  viewers: z.number().int().nonnegative(),
  people: z.array(personSchema),
});
export type ShareState = z.infer<typeof shareStateSchema>;
