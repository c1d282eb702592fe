/**
 * A fake Stripe for the billing tests, served by the fake upstream: point `STRIPE_API_BASE` at the
 * server's origin and the real `stripe` SDK talks to it. It checks what Stripe checks (a secret
 * test key in `Authorization: Bearer sk_test_…`, required parameters, known ids), replays a
 * request sent again with the same `Idempotency-Key`, and serves the hosted pages the API's URLs
 * lead to (`/stripe/checkout/{id}`, `/stripe/portal/{id}`). State lives in memory for the life of
 * the process. API: stripe-api.ts; test controls under `/__control/stripe/`: stripe-control.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiReply, handleApiCall, stripeError } from "./stripe-api.ts";
import { handleControl } from "./stripe-control.ts";
import { parseStripeForm } from "./stripe-form.ts";
import { StripeStore, stripeId } from "./stripe-objects.ts";
import type { FakeCheckoutSession } from "./stripe-types.ts";

const store = new StripeStore();

/** Earlier answers by API key and idempotency key, with what was asked (Stripe keeps 24 h). */
const idempotent = new Map<string, { request: string; reply: ApiReply }>();

const API_PATH =
  /^\/v1\/(customers|checkout\/sessions|billing_portal\/sessions|subscriptions|prices|invoices)(\/|$)/;

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, { status, body }: ApiReply, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  // The SDK quotes Request-Id in its error messages.
  res.writeHead(status, { "content-type": "application/json", "request-id": stripeId("req"), ...headers });
  res.end(payload);
}

function sendHtml(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`,
  );
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Stripe's answers to a missing or unusable key; a test key is all this fake accepts. */
function authenticate(header: string | undefined): ApiReply | string {
  const key = /^Bearer (\S+)$/.exec(header ?? "")?.[1];
  if (!key) {
    return stripeError(
      401,
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  if (!/^sk_test_\w+$/.test(key)) {
    const masked = key.length > 12 ? `${key.slice(0, 8)}****${key.slice(-4)}` : "****";
    return stripeError(401, `Invalid API Key provided: ${masked}`);
  }
  return key;
}

async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? "GET";
  const text = method === "GET" || method === "DELETE" ? url.search.slice(1) : await readText(req);
  const key = authenticate(req.headers.authorization);
  if (typeof key !== "string") return send(res, key);
  const version = req.headers["stripe-version"];
  if (typeof version === "string") store.apiVersion = version;
  const call = {
    method,
    path: url.pathname.slice("/v1/".length),
    form: parseStripeForm(text),
    origin: `http://${req.headers.host ?? "127.0.0.1"}`,
  };
  const idempotencyKey = method === "POST" ? req.headers["idempotency-key"] : undefined;
  if (typeof idempotencyKey !== "string") return send(res, handleApiCall(store, call));
  const slot = `${key}\n${idempotencyKey}`;
  const request = `${method} ${url.pathname}\n${text}`;
  const earlier = idempotent.get(slot);
  if (earlier && earlier.request !== request) {
    return send(
      res,
      stripeError(
        400,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        { type: "idempotency_error" },
      ),
    );
  }
  if (earlier) return send(res, earlier.reply, { "idempotent-replayed": "true" });
  const reply = handleApiCall(store, call);
  // Like Stripe, remember what was answered, except a server error (that may be retried).
  if (reply.status < 500)
    idempotent.set(slot, { request, reply: { ...reply, body: structuredClone(reply.body) } });
  send(res, reply);
}

/** The hosted checkout page: what the person would see after clicking Upgrade. */
function checkoutPage(res: ServerResponse, session: FakeCheckoutSession): void {
  const amount =
    session.amount_total === null ? "" : `${(session.amount_total / 100).toFixed(2)} ${session.currency}`;
  const back = session.cancel_url ? `<a href="${escapeHtml(session.cancel_url)}">Back</a>` : "";
  const pay =
    session.status === "open"
      ? `<form method="post" action="/stripe/checkout/${session.id}/pay"><button>Subscribe</button></form>`
      : `<p>This checkout is ${escapeHtml(session.status ?? "closed")}.</p>`;
  sendHtml(
    res,
    200,
    "Fake Stripe Checkout",
    `<h1>Fake Stripe Checkout</h1><p id="amount">${escapeHtml(amount)} per month</p>${pay}${back}`,
  );
}

async function handleHostedPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const checkout = /^\/stripe\/checkout\/([^/]+)(\/pay)?$/.exec(url.pathname);
  if (checkout) {
    const session = store.checkoutSessions.get(checkout[1]!);
    if (!session) {
      sendHtml(res, 404, "Fake Stripe Checkout", "<p>Something went wrong: no such checkout.</p>");
    } else if (checkout[2] && req.method === "POST") {
      if (session.status === "open") store.completeSession(session);
      // Stripe fills in the placeholder so the success page can look the session up.
      const target = (session.success_url ?? "/").replace("{CHECKOUT_SESSION_ID}", session.id);
      res.writeHead(303, { location: target });
      res.end();
    } else {
      checkoutPage(res, session);
    }
    return true;
  }
  const portal = /^\/stripe\/portal\/([^/]+)$/.exec(url.pathname);
  if (portal && req.method === "GET") {
    const session = store.portalSessions.get(portal[1]!);
    const back = session?.return_url ? `<a href="${escapeHtml(session.return_url)}">Return</a>` : "";
    sendHtml(
      res,
      session ? 200 : 404,
      "Fake Stripe Customer Portal",
      `<h1>Fake Stripe Customer Portal</h1>${back}`,
    );
    return true;
  }
  return false;
}

function parseControlBody(text: string): Record<string, unknown> | null {
  if (!text) return {};
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Handles the request when it is a Stripe route; returns false otherwise. */
export async function handleStripe(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname.startsWith("/__control/stripe/")) {
    const text = req.method === "POST" ? await readText(req) : "";
    const body = parseControlBody(text);
    if (!body) {
      send(res, { status: 400, body: { error: { message: "the body must be a JSON object" } } });
      return true;
    }
    const path = url.pathname.slice("/__control/stripe/".length);
    send(res, handleControl(store, req.method ?? "GET", path, url.search.slice(1), body));
    return true;
  }
  if (url.pathname.startsWith("/stripe/")) return handleHostedPage(req, res, url);
  if (!API_PATH.test(url.pathname)) return false;
  await handleApi(req, res, url);
  return true;
}
