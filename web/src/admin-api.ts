/**
 * The admin API (`/api/v1/admin/*`, docs/admin.md), every answer parsed with zod. Only the lazily
 * loaded /admin page imports this module, so none of it reaches the first chunk.
 */
import { z } from "zod";
import { modelInfoSchema } from "#protocol/http";
import { request } from "./api.ts";

const BASE = "/api/v1/admin";

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
});

// -----------------------------------------------------------------------------------------------
// Models

const adminModelSchema = modelInfoSchema.extend({
  upstreamId: z.string(),
  enabled: z.boolean(),
  sortOrder: z.number(),
  available: z.boolean(),
  editable: z.boolean(),
  isDefault: z.boolean(),
});
export type AdminModel = z.infer<typeof adminModelSchema>;

export interface ModelPatch {
  enabled?: boolean;
  maxOutput?: number;
  context?: number;
  sortOrder?: number;
  caps?: Partial<AdminModel["caps"]>;
  pricing?: Partial<AdminModel["pricing"]>;
}

export async function listAdminModels(): Promise<{ models: AdminModel[]; defaultModel: string | null }> {
  return request(
    `${BASE}/models`,
    z.object({ models: z.array(adminModelSchema), defaultModel: z.string().nullable() }),
  );
}

export async function patchModel(id: string, patch: ModelPatch): Promise<AdminModel> {
  return (
    await request(
      `${BASE}/models/${encodeURIComponent(id)}`,
      z.object({ model: adminModelSchema }),
      json("PATCH", patch),
    )
  ).model;
}

export async function setDefaultModel(model: string | null): Promise<string | null> {
  return (
    await request(
      `${BASE}/settings/default-model`,
      z.object({ defaultModel: z.string().nullable() }),
      json("PUT", { model }),
    )
  ).defaultModel;
}

// -----------------------------------------------------------------------------------------------
// Limits

export const LIMIT_FIELDS = ["rateLimit", "rateWindowSeconds", "monthlyTokens", "monthlyCostUsd"] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

const limitsSchema = z.object({
  rateLimit: z.number(),
  rateWindowSeconds: z.number(),
  monthlyTokens: z.number(),
  monthlyCostUsd: z.number(),
});
export type Limits = z.infer<typeof limitsSchema>;
const overridesSchema = z.object({
  rateLimit: z.number().nullish(),
  rateWindowSeconds: z.number().nullish(),
  monthlyTokens: z.number().nullish(),
  monthlyCostUsd: z.number().nullish(),
});
export type LimitOverrides = z.infer<typeof overridesSchema>;
const tiers = <T extends z.ZodType>(schema: T) => z.object({ guest: schema, user: schema });

const limitsViewSchema = z.object({
  defaults: tiers(limitsSchema),
  overrides: tiers(overridesSchema),
  effective: tiers(limitsSchema),
});
export type LimitsView = z.infer<typeof limitsViewSchema>;

export async function getLimits(): Promise<LimitsView> {
  return request(`${BASE}/settings/limits`, limitsViewSchema);
}

export async function putLimits(overrides: {
  guest: LimitOverrides;
  user: LimitOverrides;
}): Promise<LimitsView> {
  return request(`${BASE}/settings/limits`, limitsViewSchema, json("PUT", overrides));
}

// -----------------------------------------------------------------------------------------------
// People

const usageSummarySchema = z.object({ answers: z.number(), tokens: z.number(), costUsd: z.number() });
export type UsageSummary = z.infer<typeof usageSummarySchema>;

const adminUserSchema = z.object({
  id: z.string(),
  kind: z.enum(["guest", "user"]),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  role: z.string(),
  bannedAt: z.number().nullable(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  limits: z.object({
    rateLimit: z.number().nullable(),
    rateWindowSeconds: z.number().nullable(),
    monthlyTokens: z.number().nullable(),
    monthlyCostUsd: z.number().nullable(),
  }),
  usage: usageSummarySchema,
});
export type AdminUser = z.infer<typeof adminUserSchema>;
const userResponse = z.object({ user: adminUserSchema });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export async function listUsers(options: {
  q?: string;
  kind?: "guest" | "user";
  cursor?: string | null;
}): Promise<Page<AdminUser>> {
  const params = new URLSearchParams();
  if (options.q) params.set("q", options.q);
  if (options.kind) params.set("kind", options.kind);
  if (options.cursor) params.set("cursor", options.cursor);
  const body = await request(
    `${BASE}/users?${params.toString()}`,
    z.object({ users: z.array(adminUserSchema), nextCursor: z.string().nullable() }),
  );
  return { items: body.users, nextCursor: body.nextCursor };
}

export async function setBanned(id: string, banned: boolean): Promise<AdminUser> {
  const action = banned ? "ban" : "unban";
  return (await request(`${BASE}/users/${encodeURIComponent(id)}/${action}`, userResponse, json("POST")))
    .user;
}

export async function putUserLimits(id: string, limits: LimitOverrides): Promise<AdminUser> {
  return (await request(`${BASE}/users/${encodeURIComponent(id)}/limits`, userResponse, json("PUT", limits)))
    .user;
}

// -----------------------------------------------------------------------------------------------
// Usage

const usageReportSchema = z.object({
  days: z.number(),
  from: z.string(),
  to: z.string(),
  total: usageSummarySchema,
  byDay: z.array(usageSummarySchema.extend({ day: z.string() })),
  byModel: z.array(usageSummarySchema.extend({ model: z.string() })),
  topUsers: z.array(
    usageSummarySchema.extend({
      userId: z.string(),
      email: z.string().nullable(),
      kind: z.enum(["guest", "user"]).nullable(),
    }),
  ),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

export async function getUsageReport(days: number): Promise<UsageReport> {
  return request(`${BASE}/usage?days=${days}`, usageReportSchema);
}

// -----------------------------------------------------------------------------------------------
// Logs

const moderationEntrySchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  userId: z.string(),
  email: z.string().nullable(),
  conversationId: z.string().nullable(),
  check: z.string(),
  category: z.string(),
  excerpt: z.string(),
});
export type ModerationEntry = z.infer<typeof moderationEntrySchema>;

const upstreamErrorSchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  conversationId: z.string(),
  userId: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
});
export type UpstreamError = z.infer<typeof upstreamErrorSchema>;

const auditEntrySchema = z.object({
  id: z.string(),
  actor: z.string(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  detail: z.unknown(),
  createdAt: z.number(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const cursorQuery = (cursor: string | null) => (cursor ? `?cursor=${encodeURIComponent(cursor)}` : "");
const nextCursor = z.string().nullable();

export async function listModeration(cursor: string | null = null): Promise<Page<ModerationEntry>> {
  const body = await request(
    `${BASE}/moderation${cursorQuery(cursor)}`,
    z.object({ events: z.array(moderationEntrySchema), nextCursor }),
  );
  return { items: body.events, nextCursor: body.nextCursor };
}

export async function listUpstreamErrors(cursor: string | null = null): Promise<Page<UpstreamError>> {
  const body = await request(
    `${BASE}/errors${cursorQuery(cursor)}`,
    z.object({ errors: z.array(upstreamErrorSchema), nextCursor }),
  );
  return { items: body.errors, nextCursor: body.nextCursor };
}

export async function listAudit(cursor: string | null = null): Promise<Page<AuditEntry>> {
  const body = await request(
    `${BASE}/audit${cursorQuery(cursor)}`,
    z.object({ entries: z.array(auditEntrySchema), nextCursor }),
  );
  return { items: body.entries, nextCursor: body.nextCursor };
}
