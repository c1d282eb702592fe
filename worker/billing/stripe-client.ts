/**
 * The Stripe SDK as Parley uses it inside a Worker: requests go through `fetch` (Workers have no
 * Node `http`), webhook signatures are checked with SubtleCrypto (Workers have no synchronous
 * HMAC), and tests point the client at the fake Stripe API through `STRIPE_API_BASE`.
 */
import Stripe from "stripe";

/** A webhook whose `Stripe-Signature` is missing, malformed, wrong or too old: answer 400. */
export class BadSignature extends Error {
  override readonly name = "BadSignature";
  constructor(readonly reason: "missing" | "malformed" | "mismatch" | "expired") {
    // Our own wording: the SDK's messages can quote the tail of the signing secret.
    super(`Stripe webhook signature ${reason}`);
  }
}

/** Stripe's default: an event signed more than five minutes ago may be a replay. */
const DEFAULT_TOLERANCE_SECONDS = 300;

// Stateless, so one per isolate is enough.
const subtleCrypto = Stripe.createSubtleCryptoProvider();

/**
 * A client for the secret key. `apiBase` (e.g. `http://127.0.0.1:8787`) replaces
 * `https://api.stripe.com`; the SDK always requests `/v1/...` from the root, so a path is refused.
 */
export function stripeClient(config: { secretKey: string; apiBase?: string }): Stripe {
  return new Stripe(config.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    // The SDK retries twice by default; one retry (with its automatic idempotency key) covers a
    // dropped connection without keeping a person's checkout request waiting on a struggling API.
    maxNetworkRetries: 1,
    // The SDK's 80 s default would outlive a person's patience after clicking Upgrade.
    timeout: 20_000,
    ...(config.apiBase ? apiAddress(config.apiBase) : {}),
  });
}

function apiAddress(apiBase: string): { host: string; port: number; protocol: "http" | "https" } {
  const url = new URL(apiBase);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`STRIPE_API_BASE must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new Error("STRIPE_API_BASE must be an origin without a path (the SDK adds /v1/ itself)");
  }
  const protocol = url.protocol === "http:" ? "http" : "https";
  // URL drops a default port, and the SDK would otherwise fill in 443 for plain http too.
  const port = url.port ? Number(url.port) : protocol === "http" ? 80 : 443;
  return { host: url.hostname, port, protocol };
}

/**
 * The event in a webhook delivery, after checking its signature against the raw body exactly as
 * received (re-serialized JSON would not match). Throws BadSignature when the delivery cannot be
 * trusted; any other error is ours, not the sender's.
 */
export async function verifyWebhook(
  stripe: Stripe,
  rawBody: string,
  signature: string | null,
  secret: string,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<Stripe.Event> {
  // An empty secret is a configuration mistake; calling every sender a forger would hide it.
  if (!secret.trim()) throw new Error("the Stripe webhook signing secret is empty");
  if (!signature) throw new BadSignature("missing");
  if (!/(^|,)t=\d+(,|$)/.test(signature) || !/(^|,)v1=/.test(signature)) {
    throw new BadSignature("malformed");
  }
  const verify = (tolerance: number) =>
    stripe.webhooks.constructEventAsync(rawBody, signature, secret, tolerance, subtleCrypto);
  try {
    return await verify(toleranceSeconds);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
    // Tell "signed by Stripe, but long ago" from "not signed by Stripe" for the log: tolerance 0
    // skips the age check, so if that passes, only the age was wrong.
    const signedButOld = await verify(0).then(
      () => true,
      () => false,
    );
    throw new BadSignature(signedButOld ? "expired" : "mismatch");
  }
}
