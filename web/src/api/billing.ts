/**
 * Plans and payments (`/api/v1/billing…`): the person's plan and every plan on offer, and the
 * Stripe pages to buy one (Checkout) or manage it (the billing portal). Loaded on demand, so the
 * schemas stay out of the first chunk.
 */
import { billingStatusSchema, redirectSchema, type BillingStatus } from "#protocol/billing";
import { request } from "./client.ts";

export async function getBilling(): Promise<BillingStatus> {
  return request("/api/v1/billing", billingStatusSchema);
}

/** The URL of a Stripe Checkout page selling `plan`; the caller sends the browser there. */
export async function startCheckout(plan: string): Promise<string> {
  const body = JSON.stringify({ plan });
  return (await request("/api/v1/billing/checkout", redirectSchema, { method: "POST", body })).url;
}

/** The URL of the person's Stripe billing portal (change or cancel the plan, card, invoices). */
export async function openPortal(): Promise<string> {
  return (await request("/api/v1/billing/portal", redirectSchema, { method: "POST" })).url;
}
