// The fake Stripe (tests/fake-upstream/stripe.ts) speaks the real `stripe` SDK's language inside
// workerd, through Parley's own client (fetch HTTP client, STRIPE_API_BASE); webhook deliveries
// signed with the SDK's test-header helper pass verifyWebhook, and forged or stale ones do not.
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { BadSignature, stripeClient, verifyWebhook } from "../../worker/billing/stripe-client";

const SECRET_KEY = "sk_test_parley_fake";
const WEBHOOK_SECRET = "whsec_test_parley_fake";
const PRICE = "price_pro_monthly";

const stripe = () => stripeClient({ secretKey: SECRET_KEY, apiBase: env.FAKE_UPSTREAM_URL });
const uniqueAccount = () => `acct-${crypto.randomUUID()}`;

async function control<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${env.FAKE_UPSTREAM_URL}/__control/stripe/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const customersOf = async (account: string) =>
  (await control<{ data: Stripe.Customer[] }>(`customers?metadata[account]=${account}`)).data;

interface Completed {
  session: Stripe.Checkout.Session;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
}

/** A customer who went through checkout for PRICE: the state a `checkout.session.completed` follows. */
async function subscribedCustomer(client: Stripe, account: string): Promise<Completed> {
  const customer = await client.customers.create({ email: `${account}@example.com`, metadata: { account } });
  const session = await client.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: PRICE, quantity: 1 }],
    success_url: "http://parley.test/settings?checkout=done&session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://parley.test/settings?checkout=cancel",
    client_reference_id: account,
    metadata: { account, plan: "pro" },
    subscription_data: { metadata: { account, plan: "pro" } },
  });
  return control<Completed>(`checkout/sessions/${session.id}/complete`, {});
}

async function signed(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const header = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return { payload, header };
}

async function badSignatureReason(run: Promise<unknown>): Promise<string> {
  const error: unknown = await run.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BadSignature);
  return (error as BadSignature).reason;
}

describe("the fake Stripe API through the real SDK", () => {
  it("creates a customer, a checkout session with a hosted page, and a portal session", async () => {
    const client = stripe();
    const account = uniqueAccount();
    const customer = await client.customers.create({
      email: `${account}@example.com`,
      metadata: { account },
    });
    expect(customer).toMatchObject({
      object: "customer",
      email: `${account}@example.com`,
      metadata: { account },
    });
    expect(customer.id).toMatch(/^cus_\w+$/);
    expect((await client.customers.retrieve(customer.id)).id).toBe(customer.id);

    const session = await client.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: PRICE, quantity: 1 }],
      success_url: "http://parley.test/settings?checkout=done",
      cancel_url: "http://parley.test/settings?checkout=cancel",
      client_reference_id: account,
    });
    expect(session).toMatchObject({ object: "checkout.session", status: "open", customer: customer.id });
    expect(session.id).toMatch(/^cs_test_\w+$/);
    expect(session.url).toBe(`${env.FAKE_UPSTREAM_URL}/stripe/checkout/${session.id}`);
    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Fake Stripe Checkout</title>");
    const listed = await control<{ data: Stripe.Checkout.Session[] }>(
      `checkout/sessions?client_reference_id=${account}`,
    );
    expect(listed.data.map((s) => s.id)).toEqual([session.id]);

    const portal = await client.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://parley.test/settings",
    });
    expect(portal).toMatchObject({ object: "billing_portal.session", customer: customer.id });
    expect(portal.id).toMatch(/^bps_\w+$/);
    expect(await (await fetch(portal.url)).text()).toContain("<title>Fake Stripe Customer Portal</title>");
  });

  it("starts a subscription when checkout completes, which the SDK reads and updates", async () => {
    const client = stripe();
    const account = uniqueAccount();
    const { session, subscription } = await subscribedCustomer(client, account);
    expect(session).toMatchObject({
      status: "complete",
      payment_status: "paid",
      subscription: subscription.id,
    });
    expect(subscription.id).toMatch(/^sub_\w+$/);

    const read = await client.subscriptions.retrieve(subscription.id);
    expect(read).toMatchObject({
      status: "active",
      metadata: { account, plan: "pro" },
      cancel_at_period_end: false,
    });
    expect(read.items.data[0]!.price.id).toBe(PRICE);
    expect(read.items.data[0]!.current_period_end).toBeGreaterThan(Date.now() / 1000);

    const updated = await client.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
      metadata: { plan: "" },
    });
    expect(updated).toMatchObject({ cancel_at_period_end: true, metadata: { account } });
    expect(updated.metadata.plan).toBeUndefined();
    expect(updated.cancel_at).toBe(read.items.data[0]!.current_period_end);
  });

  it("completes checkout from the hosted page's Subscribe button and returns to success_url", async () => {
    const client = stripe();
    const account = uniqueAccount();
    const session = await client.checkout.sessions.create({
      mode: "subscription",
      customer_email: `${account}@example.com`,
      line_items: [{ price: PRICE, quantity: 1 }],
      success_url: "http://parley.test/settings?session={CHECKOUT_SESSION_ID}",
      metadata: { account },
    });
    const paid = await fetch(`${session.url}/pay`, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://parley.test/settings?session=${session.id}`);
    const after = await client.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ status: "complete", customer: expect.stringMatching(/^cus_/) });
    expect((await client.subscriptions.retrieve(String(after.subscription))).status).toBe("active");
  });

  it("plays a failed renewal: past_due with an open invoice naming the subscription", async () => {
    const client = stripe();
    const { subscription } = await subscribedCustomer(client, uniqueAccount());
    const change = await control<{ invoice: Stripe.Invoice; previous_attributes: Record<string, unknown> }>(
      `subscriptions/${subscription.id}`,
      { renew: true, invoice: "failed" },
    );
    expect(change.previous_attributes.status).toBe("active");
    expect((await client.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
    const invoice = await client.invoices.retrieve(change.invoice.id);
    expect(invoice).toMatchObject({ status: "open", amount_paid: 0, billing_reason: "subscription_cycle" });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
  });

  it("answers a request sent again with the same Idempotency-Key with the same customer", async () => {
    const client = stripe();
    const account = uniqueAccount();
    const params = { email: `${account}@example.com`, metadata: { account } };
    const first = await client.customers.create(params, { idempotencyKey: `customer-${account}` });
    const again = await client.customers.create(params, { idempotencyKey: `customer-${account}` });
    expect(again.id).toBe(first.id);
    expect(await customersOf(account)).toHaveLength(1);
    await expect(
      client.customers.create(
        { ...params, email: "other@example.com" },
        { idempotencyKey: `customer-${account}` },
      ),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("refuses a key that is not a secret test key, as an authentication error", async () => {
    const account = uniqueAccount();
    const client = stripeClient({ secretKey: "pk_test_publishable", apiBase: env.FAKE_UPSTREAM_URL });
    await expect(client.customers.create({ metadata: { account } })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    expect(await customersOf(account)).toHaveLength(0);
  });

  it("answers unknown ids and missing parameters as Stripe's invalid request errors", async () => {
    const client = stripe();
    await expect(client.customers.retrieve("cus_nobody")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
    });
    await expect(
      client.checkout.sessions.create({
        mode: "subscription",
        customer: "cus_nobody",
        line_items: [{ price: PRICE, quantity: 1 }],
        success_url: "http://parley.test/settings",
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "resource_missing", param: "customer" });
  });

  it("refuses an API base with a path, which the SDK could not honour", () => {
    expect(() => stripeClient({ secretKey: SECRET_KEY, apiBase: `${env.FAKE_UPSTREAM_URL}/v1` })).toThrow(
      /without a path/,
    );
  });
});

describe("verifyWebhook", () => {
  async function subscriptionEvent() {
    const { subscription } = await subscribedCustomer(stripe(), uniqueAccount());
    return control<Stripe.Event>("events", { type: "customer.subscription.created", id: subscription.id });
  }

  it("accepts an event signed with the SDK's test-header helper and the right secret", async () => {
    const event = await subscriptionEvent();
    expect(event.api_version).toBe(Stripe.API_VERSION);
    const { payload, header } = await signed(event);
    const verified = await verifyWebhook(stripe(), payload, header, WEBHOOK_SECRET);
    expect(verified).toMatchObject({ id: event.id, type: "customer.subscription.created" });
    expect(verified.data.object).toMatchObject({ object: "subscription", status: "active" });
  });

  it("rejects a signature made with another secret", async () => {
    const { payload, header } = await signed(await subscriptionEvent(), { secret: "whsec_someone_else" });
    expect(await badSignatureReason(verifyWebhook(stripe(), payload, header, WEBHOOK_SECRET))).toBe(
      "mismatch",
    );
  });

  it("rejects a body changed after signing", async () => {
    const { payload, header } = await signed(await subscriptionEvent());
    const tampered = payload.replace('"status":"active"', '"status":"canceled"');
    expect(tampered).not.toBe(payload);
    expect(await badSignatureReason(verifyWebhook(stripe(), tampered, header, WEBHOOK_SECRET))).toBe(
      "mismatch",
    );
  });

  it("rejects a delivery signed ten minutes ago", async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const { payload, header } = await signed(await subscriptionEvent(), { timestamp: tenMinutesAgo });
    expect(await badSignatureReason(verifyWebhook(stripe(), payload, header, WEBHOOK_SECRET))).toBe(
      "expired",
    );
  });

  it("rejects a delivery without a usable Stripe-Signature header", async () => {
    const { payload } = await signed(await subscriptionEvent());
    expect(await badSignatureReason(verifyWebhook(stripe(), payload, null, WEBHOOK_SECRET))).toBe("missing");
    expect(await badSignatureReason(verifyWebhook(stripe(), payload, "v1=abc", WEBHOOK_SECRET))).toBe(
      "malformed",
    );
  });
});
