/** The admin API's billing operations: plans, the Billing overview, and grants (docs/admin.md). */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { adminPlanSchema, billingOverviewSchema, grantPlanSchema, planUpdateSchema } from "#protocol/billing";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";

const security: RouteConfig["security"] = [{ session: [] }, { adminToken: [] }];
const admin = { tags: ["admin"], security };

export const billingOverviewRoute = createRoute({
  ...admin,
  method: "get",
  path: "/billing",
  operationId: "adminBillingOverview",
  summary: "Plans, people per plan, monthly recurring revenue, failed payments and recent billing events",
  responses: { 200: json("The billing overview", billingOverviewSchema), ...errors(401, 403) },
});

export const updatePlanRoute = createRoute({
  ...admin,
  method: "patch",
  path: "/plans/{id}",
  operationId: "adminUpdatePlan",
  summary: "Change a plan: price, Stripe price, limits, concurrent answers, models it leaves out",
  middleware: readJsonBody,
  request: { params: z.object({ id: z.string() }), body: jsonBody(planUpdateSchema) },
  responses: { 200: json("The plan as it is now", adminPlanSchema), ...errors(400, 401, 403, 404) },
});

export const grantPlanRoute = createRoute({
  ...admin,
  method: "post",
  path: "/users/{id}/plan",
  operationId: "adminGrantPlan",
  summary: "Give an account a plan by hand (comped), or take the grant back with null",
  middleware: readJsonBody,
  request: { params: z.object({ id: z.string() }), body: jsonBody(grantPlanSchema) },
  responses: { 204: { description: "Granted" }, ...errors(400, 401, 403, 404, 409) },
});
