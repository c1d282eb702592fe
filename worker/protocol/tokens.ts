/**
 * Personal access tokens over HTTP (`/api/v1/tokens`, and the admin's view of them): what an API
 * client sends as `Authorization: Bearer pk_live_…` to Parley's OpenAI- and Anthropic-compatible
 * endpoints. The secret appears once, in the answer that creates it; every other answer carries its
 * prefix only. Times are epoch milliseconds, as everywhere in the API.
 */
import { z } from "zod";

export const MAX_TOKEN_NAME_CHARS = 80;
export const MAX_TOKEN_DAYS = 365;
/** Live (neither revoked nor expired) tokens one account may hold. */
export const MAX_LIVE_TOKENS = 50;

/** A token as its owner sees it. */
export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret (`pk_live_` and four more), to tell tokens apart. */
  prefix: z.string(),
  createdAt: z.number(),
  /** Null: never expires. */
  expiresAt: z.number().nullable(),
  /** Null: never used. Updated at most once a minute. */
  lastUsedAt: z.number().nullable(),
  /** False: calls made with it keep no conversation, only their usage. */
  keepHistory: z.boolean(),
});
export type TokenView = z.infer<typeof tokenViewSchema>;

/** `POST /api/v1/tokens` body. */
export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(MAX_TOKEN_NAME_CHARS),
    /** Left out: the token never expires. */
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
    /** Default true. */
    keepHistory: z.boolean().optional(),
  })
  .strict();
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

/** `201` of `POST /api/v1/tokens`: the only answer that ever holds the secret. */
export const createdTokenSchema = z.object({ token: tokenViewSchema, secret: z.string() });
export type CreatedToken = z.infer<typeof createdTokenSchema>;

/** `GET /api/v1/tokens`: the caller's tokens that are not revoked, newest first. */
export const tokenListSchema = z.object({ tokens: z.array(tokenViewSchema) });

/** A token as the admin sees it: revoked ones too. */
export const adminTokenSchema = tokenViewSchema.extend({
  userId: z.string(),
  revokedAt: z.number().nullable(),
});
export type AdminToken = z.infer<typeof adminTokenSchema>;
/** `GET /api/v1/admin/users/:id/tokens`: newest first. */
export const adminTokenListSchema = z.object({ tokens: z.array(adminTokenSchema) });
