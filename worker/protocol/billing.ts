/**
 * Plans and payments over HTTP (`/api/v1/billing…`, and the admin's `/api/v1/admin/plans` and
 * `/api/v1/admin/billing`). Prices are in cents of the plan's currency; times are epoch
 * milliseconds, as everywhere in the API.
 */
import { z } from "zod";
import { limitsSchema } from "./admin";

export const PLAN_ID = /^[a-z][a-z0-9-]{1,31}$/;

/** A plan as anyone may see it (the pricing section). */
export const planViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  monthlyPriceCents: z.number(),
  currency: z.string(),
  /** It can be bought with a checkout now (it has a Stripe price, and payments are set up). */
  purchasable: z.boolean(),
  /** What an account on this plan gets (personal overrides aside). */
  limits: limitsSchema,
  concurrentGenerations: z.number(),
  /** Models this plan cannot use. */
  excludedModels: z.array(z.string()),
});
export type PlanView = z.infer<typeof planViewSchema>;

export const subscriptionViewSchema = z.object({
  status: z.string(),
  planId: z.string().nullable(),
  currentPeriodEnd: z.number().nullable(),
  cancelAtPeriodEnd: z.boolean(),
});

/** `GET /api/v1/billing`: the person's plan, and every plan. */
export const billingStatusSchema = z.object({
  /** Stripe is set up on this server: plans can be bought and managed. */
  paymentsEnabled: z.boolean(),
  plan: z.object({
    id: z.string(),
    name: z.string(),
    /** How they got it: a subscription, an admin's grant, or nothing (the plan of their kind). */
    source: z.enum(["stripe", "grant"]).nullable(),
    /** A failed payment: the plan ends at this moment unless the payment goes through. */
    graceUntil: z.number().nullable(),
  }),
  /** The limits in force for them now. */
  limits: limitsSchema,
  subscription: subscriptionViewSchema.nullable(),
  /** They have a Stripe customer, so the billing portal has something to show. */
  hasBillingAccount: z.boolean(),
  plans: z.array(planViewSchema),
});
export type BillingStatus = z.infer<typeof billingStatusSchema>;

export const checkoutRequestSchema = z.object({ plan: z.string().regex(PLAN_ID) }).strict();
export const redirectSchema = z.object({ url: z.url() });

/** `PATCH /api/v1/admin/plans/{id}`: any field left out stays as it is. */
export const planUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    description: z.string().max(300),
    monthlyPriceCents: z.number().int().min(0).max(10_000_000),
    currency: z
      .string()
      .regex(/^[a-z]{3}$/)
      .transform((value) => value.toLowerCase()),
    stripePriceId: z
      .string()
      .regex(/^price_[A-Za-z0-9]+$/)
      .nullable(),
    rateLimit: z.number().int().min(1).max(1_000_000).nullable(),
    rateWindowSeconds: z
      .number()
      .int()
      .min(1)
      .max(31 * 24 * 3600)
      .nullable(),
    monthlyTokens: z.number().int().min(0).max(1e12).nullable(),
    monthlyCostUsd: z.number().min(0).max(1e6).nullable(),
    concurrentGenerations: z.number().int().min(1).max(50).nullable(),
    excludedModels: z.array(z.string().min(1).max(200)).max(500),
  })
  .partial()
  .strict();
export type PlanUpdate = z.infer<typeof planUpdateSchema>;

/** A plan as the admin edits it: every column, nulls included. */
export const adminPlanSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  monthlyPriceCents: z.number(),
  currency: z.string(),
  stripePriceId: z.string().nullable(),
  rateLimit: z.number().nullable(),
  rateWindowSeconds: z.number().nullable(),
  monthlyTokens: z.number().nullable(),
  monthlyCostUsd: z.number().nullable(),
  concurrentGenerations: z.number().nullable(),
  excludedModels: z.array(z.string()),
  position: z.number(),
  updatedAt: z.number(),
});
export type AdminPlan = z.infer<typeof adminPlanSchema>;

/** `POST /api/v1/admin/users/{id}/plan`: grant a plan by hand (null: take the grant back). */
export const grantPlanSchema = z.object({ plan: z.string().regex(PLAN_ID).nullable() }).strict();

export const billingEventViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  summary: z.string(),
  createdAt: z.number(),
  receivedAt: z.number(),
});

/** `GET /api/v1/admin/billing`: the Billing tab. */
export const billingOverviewSchema = z.object({
  paymentsEnabled: z.boolean(),
  plans: z.array(adminPlanSchema),
  /** People on each plan now, by how they got it. */
  byPlan: z.array(z.object({ planId: z.string(), subscribed: z.number(), granted: z.number() })),
  /** Monthly recurring revenue of active subscriptions, in cents, by currency. */
  mrr: z.array(z.object({ currency: z.string(), cents: z.number() })),
  /** Subscriptions whose payment failed and are in their grace period. */
  failedPayments: z.array(
    z.object({
      userId: z.string(),
      email: z.string().nullable(),
      planId: z.string().nullable(),
      status: z.string(),
      graceUntil: z.number().nullable(),
    }),
  ),
  events: z.array(billingEventViewSchema),
});
export type BillingOverview = z.infer<typeof billingOverviewSchema>;
