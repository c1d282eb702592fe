/**
 * The admin API's operations (docs/admin.md). Every one is for an admin account's session or the
 * `Authorization: Bearer <ADMIN_TOKEN>` of a script (worker/admin/access.ts).
 */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { cursorSchema } from "../../../admin/cursor";
import {
  adminModelAnswerSchema,
  adminModelListSchema,
  adminModelPatchSchema,
  adminUserAnswerSchema,
  adminUserPageSchema,
  auditPageSchema,
  defaultModelAnswerSchema,
  defaultModelSchema,
  globalLimitsSchema,
  limitOverridesSchema,
  limitsViewSchema,
  moderationPageSchema,
  outputModerationSchema,
  outputModerationViewSchema,
  upstreamErrorPageSchema,
  usageReportSchema,
} from "#protocol/admin";
import { userKindSchema } from "#protocol/messages";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";

const security: RouteConfig["security"] = [{ session: [] }, { adminToken: [] }];
const admin = { tags: ["admin"], security };
const modelId = z.object({ id: z.string() });
const personId = z.object({ id: z.string() });

const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorSchema.optional(),
});

// -----------------------------------------------------------------------------------------------
// Models and settings

export const listModelsRoute = createRoute({
  ...admin,
  method: "get",
  path: "/models",
  operationId: "adminListModels",
  summary: "Every catalogue model, enabled or not, and the default model",
  responses: { 200: json("The catalogue", adminModelListSchema), ...errors(401, 403) },
});

export const updateModelRoute = createRoute({
  ...admin,
  method: "patch",
  path: "/models/{id}",
  operationId: "adminUpdateModel",
  summary: "Enable or disable a model, or change its name, limits, capabilities or prices",
  middleware: readJsonBody,
  request: { params: modelId, body: jsonBody(adminModelPatchSchema) },
  responses: { 200: json("Updated", adminModelAnswerSchema), ...errors(400, 401, 403, 404) },
});

export const setDefaultModelRoute = createRoute({
  ...admin,
  method: "put",
  path: "/settings/default-model",
  operationId: "adminSetDefaultModel",
  summary: "Choose the model new conversations start with (null: the first usable one)",
  middleware: readJsonBody,
  request: { body: jsonBody(defaultModelSchema) },
  responses: { 200: json("Set", defaultModelAnswerSchema), ...errors(400, 401, 403) },
});

export const getLimitsRoute = createRoute({
  ...admin,
  method: "get",
  path: "/settings/limits",
  operationId: "adminGetLimits",
  summary: "Rate limits and quotas: the deploy's defaults, the admin's overrides and what applies",
  responses: { 200: json("Limits", limitsViewSchema), ...errors(401, 403) },
});

export const setLimitsRoute = createRoute({
  ...admin,
  method: "put",
  path: "/settings/limits",
  operationId: "adminSetLimits",
  summary: "Override the global limits for guests and users; applies to the next request",
  middleware: readJsonBody,
  request: { body: jsonBody(globalLimitsSchema) },
  responses: { 200: json("Limits now", limitsViewSchema), ...errors(400, 401, 403) },
});

export const getOutputModerationRoute = createRoute({
  ...admin,
  method: "get",
  path: "/settings/output-moderation",
  operationId: "adminGetOutputModeration",
  summary: "How answers are moderated while they stream, and the checks they go through",
  responses: { 200: json("The policy", outputModerationViewSchema), ...errors(401, 403) },
});

export const setOutputModerationRoute = createRoute({
  ...admin,
  method: "put",
  path: "/settings/output-moderation",
  operationId: "adminSetOutputModeration",
  summary: "Set output moderation (off, flag or stop; globally and per model); applies to the next answer",
  middleware: readJsonBody,
  request: { body: jsonBody(outputModerationSchema) },
  responses: { 200: json("The policy now", outputModerationViewSchema), ...errors(400, 401, 403) },
});

// -----------------------------------------------------------------------------------------------
// People

export const listUsersRoute = createRoute({
  ...admin,
  method: "get",
  path: "/users",
  operationId: "adminListUsers",
  summary: "People, newest first, with this month's usage; search by email or name",
  request: {
    query: z.object({
      q: z.string().max(200).optional(),
      kind: userKindSchema.optional(),
      // Each person's month usage is read with their id as a bound parameter (D1 allows 100).
      limit: z.coerce.number().int().min(1).max(50).default(25),
      cursor: cursorSchema.optional(),
    }),
  },
  responses: { 200: json("A page of people", adminUserPageSchema), ...errors(400, 401, 403) },
});

export const getUserRoute = createRoute({
  ...admin,
  method: "get",
  path: "/users/{id}",
  operationId: "adminGetUser",
  summary: "One person",
  request: { params: personId },
  responses: { 200: json("The person", adminUserAnswerSchema), ...errors(401, 403, 404) },
});

export const setUserLimitsRoute = createRoute({
  ...admin,
  method: "put",
  path: "/users/{id}/limits",
  operationId: "adminSetUserLimits",
  summary: "Give one person their own limits (null fields fall back to the global ones)",
  middleware: readJsonBody,
  request: { params: personId, body: jsonBody(limitOverridesSchema) },
  responses: { 200: json("Updated", adminUserAnswerSchema), ...errors(400, 401, 403, 404) },
});

export const banUserRoute = createRoute({
  ...admin,
  method: "post",
  path: "/users/{id}/ban",
  operationId: "adminBanUser",
  summary: "Ban a person: their requests are refused from now on",
  request: { params: personId },
  responses: { 200: json("Banned", adminUserAnswerSchema), ...errors(400, 401, 403, 404) },
});

export const unbanUserRoute = createRoute({
  ...admin,
  method: "post",
  path: "/users/{id}/unban",
  operationId: "adminUnbanUser",
  summary: "Lift a ban",
  request: { params: personId },
  responses: { 200: json("Unbanned", adminUserAnswerSchema), ...errors(401, 403, 404) },
});

// -----------------------------------------------------------------------------------------------
// Usage and logs

export const usageRoute = createRoute({
  ...admin,
  method: "get",
  path: "/usage",
  operationId: "adminUsage",
  summary: "Tokens and cost by day, by model and by person over the last `days`",
  request: { query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }) },
  responses: { 200: json("The report", usageReportSchema), ...errors(400, 401, 403) },
});

export const moderationRoute = createRoute({
  ...admin,
  method: "get",
  path: "/moderation",
  operationId: "adminModerationLog",
  summary: "Prompts moderation refused and answers it flagged, newest first",
  request: { query: pageQuerySchema },
  responses: { 200: json("A page of events", moderationPageSchema), ...errors(400, 401, 403) },
});

export const upstreamErrorsRoute = createRoute({
  ...admin,
  method: "get",
  path: "/errors",
  operationId: "adminUpstreamErrors",
  summary: "Recent answers that ended with an upstream error",
  request: { query: pageQuerySchema },
  responses: { 200: json("A page of errors", upstreamErrorPageSchema), ...errors(400, 401, 403) },
});

export const auditRoute = createRoute({
  ...admin,
  method: "get",
  path: "/audit",
  operationId: "adminAuditLog",
  summary: "Every admin change, newest first",
  request: { query: pageQuerySchema },
  responses: { 200: json("A page of entries", auditPageSchema), ...errors(400, 401, 403) },
});
