/**
 * `/api/v1/billing`: a person's plan, buying one (Stripe Checkout) and managing it (the Stripe
 * billing portal). Stripe's webhook is mounted apart (`billingWebhookRoutes`), ahead of the
 * session middleware: Stripe has no session, and the signature is its only credential.
 */
import type { Context } from "hono";
import { billingStatus, openPortal, startCheckout } from "../../../billing/account";
import { receiveWebhook } from "../../../billing/webhook";
import { database } from "../../../db/queries";
import { getConfig } from "../../../env";
import { clientIp } from "../../../room/identity";
import type { AppEnv } from "../../app-env";
import { createRouter } from "../../router";
import { billingStatusRoute, checkoutRoute, portalRoute, webhookRoute } from "./routes";

function subjectOf(c: Context<AppEnv>) {
  const { userId, kind } = c.get("identity");
  return { userId, kind, ip: clientIp(c.req.raw, getConfig(c.env).TRUST_CF_CONNECTING_IP) };
}

export const billingRoutes = createRouter()
  .openapi(billingStatusRoute, async (c) => {
    return c.json(await billingStatus(database(c.env.DB), getConfig(c.env), subjectOf(c)), 200);
  })
  .openapi(checkoutRoute, async (c) => {
    const { plan } = c.req.valid("json");
    const origin = new URL(c.req.url).origin;
    const url = await startCheckout(database(c.env.DB), getConfig(c.env), subjectOf(c), plan, origin);
    return c.json({ url }, 200);
  })
  .openapi(portalRoute, async (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json({ url: await openPortal(database(c.env.DB), getConfig(c.env), subjectOf(c), origin) }, 200);
  });

export const billingWebhookRoutes = createRouter().openapi(webhookRoute, async (c) => {
  const { duplicate } = await receiveWebhook(c.env, c.req.raw);
  return c.json(duplicate ? { received: true as const, duplicate } : { received: true as const }, 200);
});
