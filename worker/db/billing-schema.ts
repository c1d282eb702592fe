/**
 * Plans and payments (part of the D1 schema, re-exported by ./schema.ts so drizzle-kit sees it;
 * worker/billing/ reads and writes them). A plan is data an admin edits: its price, the Stripe
 * price that sells it, the limits it gives and the models it leaves out. A person's plan is on
 * their `users` row (`plan_id`), set by Stripe's webhooks or by an admin; the subscriptions and
 * every billing event that changed something are kept here too.
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const plans = sqliteTable("plans", {
  /** `guest`, `free`, `pro`, or one an admin added. */
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  /** What it costs per month, in cents of `currency` (0: free). */
  monthlyPriceCents: integer("monthly_price_cents").notNull().default(0),
  currency: text("currency").notNull().default("usd"),
  /** The Stripe price (`price_…`) a checkout for this plan sells; null: it cannot be bought. */
  stripePriceId: text("stripe_price_id"),
  /** Limits this plan gives; null keeps the tier's setting beneath it (worker/limits). */
  rateLimit: integer("rate_limit"),
  rateWindowSeconds: integer("rate_window_seconds"),
  monthlyTokens: integer("monthly_tokens"),
  monthlyCostUsd: real("monthly_cost_usd"),
  /** Answers being written at once across all conversations; null keeps the default. */
  concurrentGenerations: integer("concurrent_generations"),
  /** Model ids this plan cannot use (JSON array): a higher plan's models. */
  excludedModels: text("excluded_models").notNull().default("[]"),
  /** Order on the pricing page, cheapest first. */
  position: integer("position").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
});
export type PlanRow = typeof plans.$inferSelect;

/** Stripe subscriptions, as Stripe last said they were (fetched, never taken from an event body). */
export const subscriptions = sqliteTable(
  "subscriptions",
  {
    /** Stripe's id, `sub_…`. */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    customerId: text("customer_id").notNull(),
    /** The plan its price sells (null: a price no plan names). */
    planId: text("plan_id"),
    priceId: text("price_id"),
    /** Stripe's status: active, trialing, past_due, unpaid, canceled, incomplete, … */
    status: text("status").notNull(),
    cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull().default(false),
    currentPeriodEnd: integer("current_period_end"),
    /** When its payment first failed in the current run of failures (grace counts from here). */
    pastDueSince: integer("past_due_since"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("subscriptions_user").on(t.userId)],
);
export type SubscriptionRow = typeof subscriptions.$inferSelect;

/**
 * Every billing event Parley handled: Stripe's webhook events by their id (so a replayed one is
 * recognised and changes nothing), and an admin's grants.
 */
export const billingEvents = sqliteTable(
  "billing_events",
  {
    /** Stripe's event id (`evt_…`), or `grant_<uuid>` for an admin's grant. */
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    userId: text("user_id"),
    /** What it did, in a sentence for the admin's Billing tab. */
    summary: text("summary").notNull(),
    /** When Stripe created it (ms). */
    createdAt: integer("created_at").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("billing_events_received").on(t.receivedAt), index("billing_events_user").on(t.userId)],
);
