import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { billingStatusSchema, checkoutRequestSchema, redirectSchema } from "#protocol/billing";
import type { AppEnv } from "../../app-env";
import { AppError } from "../../../errors";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";

/** A plan is bought for an account: a guest's identity ends when it signs in. */
const accountsOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("identity").kind !== "user") {
    throw new AppError(403, "forbidden", "Plans are bought for an account. Sign up or sign in first.");
  }
  await next();
});

export const billingStatusRoute = createRoute({
  method: "get",
  path: "/billing",
  operationId: "getBilling",
  tags: ["billing"],
  summary: "Your plan, the limits in force for you, your subscription, and every plan on offer",
  responses: { 200: json("Your billing state", billingStatusSchema), ...errors() },
});

export const checkoutRoute = createRoute({
  method: "post",
  path: "/billing/checkout",
  operationId: "startCheckout",
  tags: ["billing"],
  summary: "Start buying a plan: the URL of a Stripe Checkout page to send the browser to",
  middleware: [accountsOnly, readJsonBody] as const,
  request: { body: jsonBody(checkoutRequestSchema) },
  responses: { 200: json("The checkout page", redirectSchema), ...errors(400, 403, 404, 409, 503) },
});

export const portalRoute = createRoute({
  method: "post",
  path: "/billing/portal",
  operationId: "openBillingPortal",
  tags: ["billing"],
  summary: "The URL of your Stripe billing portal: change or cancel the plan, the card, invoices",
  middleware: accountsOnly,
  responses: { 200: json("The portal page", redirectSchema), ...errors(403, 409, 503) },
});

export const webhookRoute = createRoute({
  method: "post",
  path: "/billing/webhook",
  operationId: "stripeWebhook",
  tags: ["billing"],
  summary:
    "Stripe's webhook: signed events about checkouts, subscriptions and invoices. No session; the Stripe-Signature header over the raw body is the only credential",
  security: [],
  responses: {
    200: json(
      "Received (duplicate: this event was handled before, and nothing changed)",
      z.object({ received: z.literal(true), duplicate: z.boolean().optional() }),
    ),
    ...errors(400, 404),
  },
});
