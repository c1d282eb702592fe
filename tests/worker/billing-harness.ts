/**
 * Billing from the outside, for worker tests: accounts, the admin API (ADMIN_TOKEN bearer), the
 * fake Stripe's control API (tests/fake-upstream/stripe-control.ts), and webhook deliveries
 * signed with the real SDK's test-header helper, posted to the real worker.
 */
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { Browser } from "./browser";
import { uniqueTag, workerFetch } from "./helpers";

const ADMIN_TOKEN = "test-admin-token-at-least-32-characters-long";
/** The webhook secret vitest.config.ts gives the worker. */
export const WEBHOOK_SECRET = "whsec_parleyWorkerTests";

export interface Account {
  browser: Browser;
  id: string;
  /** The conversation `send` writes in, once it has started one. */
  conversationId?: string | undefined;
}

export async function account(): Promise<Account> {
  const browser = await Browser.signedUp(`${uniqueTag("billing")}@example.com`);
  return { browser, id: (await browser.me()).id };
}

export function admin(path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
  return workerFetch(`/api/v1/admin${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
}

/** Sets plan fields through the admin API (a test's own plan terms, e.g. a small rate limit). */
export async function setPlan(id: string, change: Record<string, unknown>): Promise<void> {
  const response = await admin(`/plans/${id}`, { method: "PATCH", json: change });
  if (response.status !== 200)
    throw new Error(`plan update failed: ${response.status} ${await response.text()}`);
}

export async function control<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/__control/stripe/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export interface Completed {
  session: Stripe.Checkout.Session;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
}

/** The session id in a fake checkout URL (`…/stripe/checkout/cs_test_…`). */
export const sessionIdOf = (url: string) => /\/stripe\/checkout\/(cs_test_[A-Za-z0-9]+)/.exec(url)?.[1] ?? "";

/** Starts checkout as the account, and pays on the fake Stripe: the state Stripe would be in. */
export async function checkoutAndPay(who: Account, plan = "pro"): Promise<Completed> {
  const response = await who.browser.post("/api/v1/billing/checkout", { plan });
  if (response.status !== 200)
    throw new Error(`checkout failed: ${response.status} ${await response.text()}`);
  const { url } = await response.json<{ url: string }>();
  return control<Completed>(`checkout/sessions/${sessionIdOf(url)}/complete`, {});
}

/** A Stripe event of `type` about `object` (or the stored object `id`), as the fake builds it. */
export function event(
  type: string,
  about: { id: string } | { object: unknown },
  extra: Record<string, unknown> = {},
): Promise<Stripe.Event> {
  return control<Stripe.Event>("events", { type, ...about, ...extra });
}

/** Posts `body` to the webhook, signed with `secret` at `timestamp` (seconds). */
export async function deliver(
  body: unknown,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<Response> {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  const signature =
    options.signature !== undefined
      ? options.signature
      : await Stripe.webhooks.generateTestHeaderStringAsync({
          payload,
          secret: options.secret ?? WEBHOOK_SECRET,
          cryptoProvider: Stripe.createSubtleCryptoProvider(),
          ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
        });
  return workerFetch("/api/v1/billing/webhook", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature === null ? {} : { "stripe-signature": signature }),
    },
    body: payload,
  });
}

export interface PersonRow {
  plan_id: string | null;
  plan_source: string | null;
  plan_grace_until: number | null;
  stripe_customer_id: string | null;
}

export function personRow(userId: string): Promise<PersonRow | null> {
  return env.DB.prepare(
    "SELECT plan_id, plan_source, plan_grace_until, stripe_customer_id FROM users WHERE id = ?",
  )
    .bind(userId)
    .first<PersonRow>();
}

export async function billingOf(who: Account) {
  const response = await who.browser.fetch("/api/v1/billing");
  if (response.status !== 200) throw new Error(`billing failed: ${response.status}`);
  return response.json<{
    plan: { id: string; name: string; source: string | null; graceUntil: number | null };
    limits: { rateLimit: number };
    subscription: { status: string } | null;
    paymentsEnabled: boolean;
  }>();
}

/**
 * One message through `POST /api/v1/chat/stream`, in the account's one conversation (so its room
 * keeps what it read about them between messages); its status, the answer read to the end.
 */
export async function send(who: Account, model = "parley-demo"): Promise<{ status: number; code?: string }> {
  const response = await who.browser.fetch("/api/v1/chat/stream", {
    method: "POST",
    json: {
      model,
      messages: [{ role: "user", content: "hello" }],
      ...(who.conversationId ? { conversationId: who.conversationId } : {}),
    },
  });
  if (response.status !== 200) {
    const body = await response.json<{ error: { code: string } }>();
    return { status: response.status, code: body.error.code };
  }
  const text = await response.text();
  who.conversationId ??= /"conversationId":"([^"]+)"/.exec(text)?.[1];
  return { status: 200 };
}
