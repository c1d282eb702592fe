/**
 * The admin API (`/api/v1/admin/*`, docs/admin.md), every answer parsed with the shared schemas of
 * #protocol/admin. Only the lazily loaded /admin page imports this module, so none of it reaches
 * the first chunk.
 */
import {
  adminModelAnswerSchema,
  adminModelListSchema,
  adminUserAnswerSchema,
  adminUserPageSchema,
  auditPageSchema,
  defaultModelAnswerSchema,
  limitsViewSchema,
  moderationPageSchema,
  outputModerationViewSchema,
  upstreamErrorPageSchema,
  usageReportSchema,
  type AdminModel,
  type AdminModelPatch,
  type AdminUser,
  type AuditEntry,
  type GlobalLimits,
  type LimitOverrides,
  type LimitsView,
  type ModerationEntry,
  type OutputModerationPolicy,
  type OutputModerationView,
  type UpstreamError,
  type UsageReport,
} from "#protocol/admin";
import {
  adminPlanSchema,
  billingOverviewSchema,
  type AdminPlan,
  type BillingOverview,
  type PlanUpdate,
} from "#protocol/billing";
import { adminTokenListSchema, type AdminToken } from "#protocol/tokens";
import { z } from "zod";
import { request } from "./client.ts";

const BASE = "/api/v1/admin";

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
});

// -----------------------------------------------------------------------------------------------
// Output moderation

export async function getOutputModeration(): Promise<OutputModerationView> {
  return request(`${BASE}/settings/output-moderation`, outputModerationViewSchema);
}

export async function putOutputModeration(policy: OutputModerationPolicy): Promise<OutputModerationView> {
  return request(`${BASE}/settings/output-moderation`, outputModerationViewSchema, json("PUT", policy));
}

// -----------------------------------------------------------------------------------------------
// Models

export async function listAdminModels(): Promise<{ models: AdminModel[]; defaultModel: string | null }> {
  return request(`${BASE}/models`, adminModelListSchema);
}

export async function patchModel(id: string, patch: AdminModelPatch): Promise<AdminModel> {
  return (
    await request(`${BASE}/models/${encodeURIComponent(id)}`, adminModelAnswerSchema, json("PATCH", patch))
  ).model;
}

export async function setDefaultModel(model: string | null): Promise<string | null> {
  return (await request(`${BASE}/settings/default-model`, defaultModelAnswerSchema, json("PUT", { model })))
    .defaultModel;
}

// -----------------------------------------------------------------------------------------------
// Limits

export async function getLimits(): Promise<LimitsView> {
  return request(`${BASE}/settings/limits`, limitsViewSchema);
}

export async function putLimits(overrides: GlobalLimits): Promise<LimitsView> {
  return request(`${BASE}/settings/limits`, limitsViewSchema, json("PUT", overrides));
}

// -----------------------------------------------------------------------------------------------
// People

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
  const body = await request(`${BASE}/users?${params.toString()}`, adminUserPageSchema);
  return { items: body.users, nextCursor: body.nextCursor };
}

export async function setBanned(id: string, banned: boolean): Promise<AdminUser> {
  const action = banned ? "ban" : "unban";
  const path = `${BASE}/users/${encodeURIComponent(id)}/${action}`;
  return (await request(path, adminUserAnswerSchema, json("POST"))).user;
}

export async function putUserLimits(id: string, limits: LimitOverrides): Promise<AdminUser> {
  const path = `${BASE}/users/${encodeURIComponent(id)}/limits`;
  return (await request(path, adminUserAnswerSchema, json("PUT", limits))).user;
}

export async function listUserTokens(id: string): Promise<AdminToken[]> {
  const path = `${BASE}/users/${encodeURIComponent(id)}/tokens`;
  return (await request(path, adminTokenListSchema)).tokens;
}

export async function revokeAnyToken(id: string): Promise<void> {
  await request(`${BASE}/tokens/${encodeURIComponent(id)}`, z.undefined(), json("DELETE"));
}

// -----------------------------------------------------------------------------------------------
// Usage

export async function getUsageReport(days: number): Promise<UsageReport> {
  return request(`${BASE}/usage?days=${days}`, usageReportSchema);
}

// -----------------------------------------------------------------------------------------------
// Logs

const cursorQuery = (cursor: string | null) => (cursor ? `?cursor=${encodeURIComponent(cursor)}` : "");

export async function listModeration(cursor: string | null = null): Promise<Page<ModerationEntry>> {
  const body = await request(`${BASE}/moderation${cursorQuery(cursor)}`, moderationPageSchema);
  return { items: body.events, nextCursor: body.nextCursor };
}

export async function listUpstreamErrors(cursor: string | null = null): Promise<Page<UpstreamError>> {
  const body = await request(`${BASE}/errors${cursorQuery(cursor)}`, upstreamErrorPageSchema);
  return { items: body.errors, nextCursor: body.nextCursor };
}

export async function listAudit(cursor: string | null = null): Promise<Page<AuditEntry>> {
  const body = await request(`${BASE}/audit${cursorQuery(cursor)}`, auditPageSchema);
  return { items: body.entries, nextCursor: body.nextCursor };
}

// -----------------------------------------------------------------------------------------------
// Billing

export async function getBillingOverview(): Promise<BillingOverview> {
  return request(`${BASE}/billing`, billingOverviewSchema);
}

export async function patchPlan(id: string, change: PlanUpdate): Promise<AdminPlan> {
  return request(`${BASE}/plans/${encodeURIComponent(id)}`, adminPlanSchema, json("PATCH", change));
}

/** Gives the person `plan` by hand (comped); null takes a grant back. */
export async function grantPlan(userId: string, plan: string | null): Promise<void> {
  const path = `${BASE}/users/${encodeURIComponent(userId)}/plan`;
  await request(path, z.undefined(), json("POST", { plan }));
}
