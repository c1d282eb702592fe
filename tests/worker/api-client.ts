/**
 * The compatible API from a client's side, for worker tests: an account with a personal token,
 * and the real `openai` and `@anthropic-ai/sdk` clients pointed at the real worker (their fetch
 * goes to `exports.default.fetch`, so every call runs the whole stack: token check, room,
 * admission, provider adapter, fake upstream).
 */
import Anthropic from "@anthropic-ai/sdk";
import { exports } from "cloudflare:workers";
import OpenAI from "openai";
import { Browser } from "./browser";
import { ORIGIN, uniqueTag } from "./helpers";

/** The SDKs' fetch: any URL they build is answered by the worker. */
function workerFetcher(address: string) {
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    request.headers.set("cf-connecting-ip", address);
    return exports.default.fetch(request);
  };
}

export interface ApiAccount {
  /** The account's browser (its cookie opens the same conversations in the app). */
  browser: Browser;
  email: string;
  secret: string;
  tokenId: string;
  /** The fetch the SDK clients use, for other clients (LangChain) to send through the worker too. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  openai(options?: { secret?: string; headers?: Record<string, string> }): OpenAI;
  /** A raw call of the API with the token (`path` under /v1), for reading the bytes on the wire. */
  call(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  anthropic(options?: { secret?: string; headers?: Record<string, string> }): Anthropic;
}

export async function createToken(
  browser: Browser,
  body: { name: string; expiresInDays?: number; keepHistory?: boolean },
): Promise<{ secret: string; id: string }> {
  const response = await browser.post("/api/v1/tokens", body);
  if (response.status !== 201) throw new Error(`token creation failed: ${response.status}`);
  const created = await response.json<{ token: { id: string }; secret: string }>();
  return { secret: created.secret, id: created.token.id };
}

/** A new account with one token named `tokenName`, and SDK clients that use it. */
export async function apiAccount(
  tokenName = "script",
  options: { keepHistory?: boolean } = {},
): Promise<ApiAccount> {
  const email = `${uniqueTag("api")}@example.com`;
  const browser = await Browser.signedUp(email);
  const { secret, id } = await createToken(browser, { name: tokenName, ...options });
  // One address per account, as one machine running a script would have.
  const fetch = workerFetcher(`2001:db8:a::${Math.floor(Math.random() * 0xffff).toString(16)}`);
  return {
    browser,
    email,
    secret,
    tokenId: id,
    fetch,
    call: (path, init = {}) =>
      fetch(`${ORIGIN}/v1${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
    openai: (client = {}) =>
      new OpenAI({
        apiKey: client.secret ?? secret,
        baseURL: `${ORIGIN}/v1`,
        fetch,
        maxRetries: 0,
        ...(client.headers ? { defaultHeaders: client.headers } : {}),
      }),
    anthropic: (client = {}) =>
      new Anthropic({
        apiKey: client.secret ?? secret,
        baseURL: ORIGIN,
        fetch,
        maxRetries: 0,
        ...(client.headers ? { defaultHeaders: client.headers } : {}),
      }),
  };
}
