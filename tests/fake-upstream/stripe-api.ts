/**
 * The fake Stripe's v1 API, the part the real `stripe` SDK talks to: customers, checkout
 * sessions, billing portal sessions, subscriptions, prices and invoices. Each handler takes the
 * parsed form (or query) and answers what Stripe would, errors included, in Stripe's error shape.
 */
import { type FormObject, type FormValue, formMetadata, formString, mergeMetadata } from "./stripe-form.ts";
import { type StripeStore, nowSeconds, setCancelAtPeriodEnd, stripeId } from "./stripe-objects.ts";
import type { FakeCheckoutSession, FakePortalSession } from "./stripe-types.ts";

export interface ApiReply {
  status: number;
  body: unknown;
}

export interface ApiCall {
  method: string;
  /** The path after `/v1/`, e.g. `checkout/sessions/cs_test_123`. */
  path: string;
  form: FormObject;
  /** `http://host:port` of this server, for the hosted page URLs. */
  origin: string;
}

/** The resources this fake plays, and an optional id: `checkout/sessions/cs_test_1`. */
export const RESOURCE_PATH =
  /^(customers|checkout\/sessions|billing_portal\/sessions|subscriptions|prices|invoices)(?:\/([^/]+))?$/;

const ok = (body: unknown): ApiReply => ({ status: 200, body });

export function stripeError(
  status: number,
  message: string,
  extra: { type?: string; code?: string; param?: string } = {},
): ApiReply {
  const { type = "invalid_request_error", ...rest } = extra;
  return { status, body: { error: { type, message, ...rest } } };
}

const missingParam = (param: string): ApiReply =>
  stripeError(400, `Missing required param: ${param}.`, { code: "parameter_missing", param });

/** Stripe's 404 for an unknown id in the path, and its 400 for one named in a parameter. */
const noSuch = (kind: string, id: string, param = "id"): ApiReply =>
  stripeError(param === "id" ? 404 : 400, `No such ${kind}: '${id}'`, { code: "resource_missing", param });

const list = (url: string, data: unknown[]): ApiReply => ok({ object: "list", data, has_more: false, url });

function nullable(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

function isFormObject(value: FormValue | undefined): value is FormObject {
  return typeof value === "object" && !Array.isArray(value);
}

export function handleApiCall(store: StripeStore, call: ApiCall): ApiReply {
  const { method, path, form } = call;
  const match = RESOURCE_PATH.exec(path);
  const id = match?.[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const route = match ? `${method} ${match[1]}${id === undefined ? "" : "/:id"}` : "";
  switch (route) {
    case "POST customers":
      return ok(
        store.createCustomer({
          email: nullable(formString(form, "email")),
          name: nullable(formString(form, "name")),
          description: nullable(formString(form, "description")),
          metadata: formMetadata(form.metadata),
        }),
      );
    case "GET customers": {
      const email = formString(form, "email");
      const customers = [...store.customers.values()].filter((c) => email === undefined || c.email === email);
      return list("/v1/customers", customers.reverse().slice(0, Number(formString(form, "limit") ?? 10)));
    }
    case "GET customers/:id": {
      const customer = store.customers.get(id!);
      return customer ? ok(customer) : noSuch("customer", id!);
    }
    case "POST customers/:id": {
      const customer = store.customers.get(id!);
      if (!customer) return noSuch("customer", id!);
      for (const key of ["email", "name", "description"] as const) {
        const value = formString(form, key);
        if (value !== undefined) customer[key] = nullable(value);
      }
      customer.metadata = mergeMetadata(customer.metadata, form.metadata);
      return ok(customer);
    }
    case "POST checkout/sessions":
      return createCheckoutSession(store, call);
    case "GET checkout/sessions/:id": {
      const session = store.checkoutSessions.get(id!);
      return session ? ok(session) : noSuch("checkout.session", id!);
    }
    case "POST billing_portal/sessions":
      return createPortalSession(store, call);
    case "GET subscriptions/:id": {
      const subscription = store.subscriptions.get(id!);
      return subscription ? ok(subscription) : noSuch("subscription", id!);
    }
    case "POST subscriptions/:id":
      return updateSubscription(store, id!, form);
    case "DELETE subscriptions/:id": {
      const subscription = store.subscriptions.get(id!);
      if (!subscription) return noSuch("subscription", id!);
      if (subscription.status === "canceled") {
        return stripeError(
          400,
          `A canceled subscription can only update its cancellation_details and metadata.`,
        );
      }
      const now = nowSeconds();
      Object.assign(subscription, { status: "canceled", canceled_at: now, ended_at: now });
      subscription.cancellation_details.reason = "cancellation_requested";
      return ok(subscription);
    }
    case "GET prices/:id": {
      const price = store.price(id!);
      return price ? ok(price) : noSuch("price", id!);
    }
    case "GET invoices/:id": {
      const invoice = store.invoices.get(id!);
      return invoice ? ok(invoice) : noSuch("invoice", id!);
    }
    default:
      return stripeError(404, `Unrecognized request URL (${method}: /v1/${path}).`);
  }
}

function createCheckoutSession(store: StripeStore, { form, origin }: ApiCall): ApiReply {
  const mode = formString(form, "mode");
  if (!mode) return missingParam("mode");
  if (mode !== "subscription") {
    return stripeError(400, `fake Stripe: only mode=subscription is supported, got ${mode}`, {
      param: "mode",
    });
  }
  const items = form.line_items;
  const first = Array.isArray(items) ? items[0] : undefined;
  const priceId = isFormObject(first) ? formString(first, "price") : undefined;
  if (!priceId) return missingParam("line_items");
  const price = store.price(priceId);
  if (!price) return noSuch("price", priceId, "line_items[0][price]");
  const successUrl = formString(form, "success_url");
  if (!successUrl) return missingParam("success_url");
  const customer = formString(form, "customer");
  const customerEmail = formString(form, "customer_email");
  if (customer && customerEmail) {
    return stripeError(400, "You may only specify one of these parameters: customer, customer_email.");
  }
  if (customer && !store.customers.has(customer)) return noSuch("customer", customer, "customer");
  const id = stripeId("cs_test");
  const created = nowSeconds();
  const session: FakeCheckoutSession = {
    id,
    object: "checkout.session",
    mode: "subscription",
    status: "open",
    payment_status: "unpaid",
    customer: customer ?? null,
    customer_email: customerEmail ?? null,
    client_reference_id: nullable(formString(form, "client_reference_id")),
    metadata: formMetadata(form.metadata),
    success_url: successUrl,
    cancel_url: nullable(formString(form, "cancel_url")),
    url: `${origin}/stripe/checkout/${id}`,
    subscription: null,
    invoice: null,
    currency: price.currency,
    amount_total: price.unit_amount,
    created,
    // Stripe's default: a hosted checkout page stays open for 24 hours.
    expires_at: created + 24 * 3600,
    livemode: false,
  };
  const subscriptionData = form.subscription_data;
  store.checkoutSessions.set(id, session);
  store.sessionPlans.set(id, {
    priceId,
    subscriptionMetadata: isFormObject(subscriptionData) ? formMetadata(subscriptionData.metadata) : {},
  });
  return ok(session);
}

function createPortalSession(store: StripeStore, { form, origin }: ApiCall): ApiReply {
  const customer = formString(form, "customer");
  if (!customer) return missingParam("customer");
  if (!store.customers.has(customer)) return noSuch("customer", customer, "customer");
  const id = stripeId("bps");
  const session: FakePortalSession = {
    id,
    object: "billing_portal.session",
    customer,
    return_url: nullable(formString(form, "return_url")),
    url: `${origin}/stripe/portal/${id}`,
    created: nowSeconds(),
    livemode: false,
    configuration: "bpc_fake_default",
    flow: null,
  };
  store.portalSessions.set(id, session);
  return ok(session);
}

/** Metadata, `cancel_at_period_end` and a price change through `items[0][price]`. */
function updateSubscription(store: StripeStore, id: string, form: FormObject): ApiReply {
  const subscription = store.subscriptions.get(id);
  if (!subscription) return noSuch("subscription", id);
  subscription.metadata = mergeMetadata(subscription.metadata, form.metadata);
  const cancelAtPeriodEnd = formString(form, "cancel_at_period_end");
  if (cancelAtPeriodEnd !== undefined) setCancelAtPeriodEnd(subscription, cancelAtPeriodEnd === "true");
  const items = form.items;
  const first = Array.isArray(items) ? items[0] : undefined;
  const priceId = isFormObject(first) ? formString(first, "price") : undefined;
  if (priceId) {
    const price = store.price(priceId);
    if (!price) return noSuch("price", priceId, "items[0][price]");
    subscription.items.data[0]!.price = price;
  }
  return ok(subscription);
}
