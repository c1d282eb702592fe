/**
 * The base of every HTTP call to the API (`/api/v1/*`): one request with its answer parsed by a
 * shared zod schema, the errors as people read them, and the first-visit ordering of requests.
 * The calls themselves live beside this file, one module per part of the API.
 */
// Stand-ins for the schemas: zod loads as its own chunk (lazy-schemas.ts), request() waits for it.
import { apiErrorSchema, loadSchemas, type Parser } from "../lazy-schemas.ts";
import { noteRateLimitHeaders, noteRateLimited } from "../rate-limit.ts";
import { markSuspended } from "../suspended.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** How long the server asked to wait (`Retry-After`), when it said. */
  readonly retryAfterMs: number | null;
  constructor(status: number, code: string, message: string, retryAfterMs: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** `Retry-After` in milliseconds: seconds or an HTTP date; null when absent or unreadable. */
function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const value = headers.get("Retry-After")?.trim();
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Where the app keeps who this browser is (web/src/session.ts), kept here so both read one name. */
export const SESSION_STORAGE_KEY = "parley:session";

/**
 * A browser that has been someone before (its session is saved) has its cookie: every request
 * goes at once. On a first visit there is no cookie, and the server makes a guest for every
 * request that comes without one: the last cookie would win, and whatever the others did would
 * belong to a guest this browser no longer is. So then the first request goes alone (the session
 * check the app sends as it starts) and every other waits for its answer. A browser whose cookies
 * were cleared while its storage was kept is treated as known: at worst that one load makes a few
 * guests, as every load did before.
 */
let identified = savedSessionExists();
let first: Promise<void> | null = null;

function savedSessionExists(): boolean {
  try {
    return typeof localStorage !== "undefined" && localStorage.getItem(SESSION_STORAGE_KEY) !== null;
  } catch {
    return false;
  }
}

function send(path: string, init: RequestInit): Promise<Response> {
  if (identified) return fetch(path, init);
  if (first) return first.then(() => fetch(path, init));
  const sent = fetch(path, init);
  first = sent.then(
    () => {
      identified = true;
    },
    // A failure (offline) leaves no cookie either: the next request goes alone again.
    () => {
      first = null;
    },
  );
  return sent;
}

/** Settles once this browser has its identity cookie (or the first try failed): sockets wait for it. */
export function whenIdentified(): Promise<void> {
  if (identified) return Promise.resolve();
  return first ?? Promise.resolve();
}

export async function request<T>(path: string, schema: Parser<T>, init?: RequestInit): Promise<T> {
  // The schemas' chunk comes in while the request is out (the first one starts the download).
  loadSchemas().catch(() => undefined);
  const response = await send(path, {
    credentials: "same-origin",
    ...init,
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}) },
  });
  // Account requests have limits of their own (mail, sign-in), not the chat's the composer shows.
  if (!path.startsWith("/api/v1/auth/")) noteRateLimitHeaders(response.headers, response.status);
  await loadSchemas();
  if (response.status === 204) return schema.parse(undefined);
  let body: unknown = undefined;
  try {
    body = await response.json();
  } catch {
    // Not JSON: handled below.
  }
  const failure = response.ok ? null : apiErrorSchema.safeParse(body);
  if (failure) {
    if (failure.success) {
      const { code, message } = failure.data.error;
      if (code === "rate_limited" || code === "quota_exhausted") {
        noteRateLimited(message, null, code);
      }
      // An admin banned this person: the app gives way to the suspended screen.
      if (code === "banned") markSuspended();
      throw new ApiError(response.status, code, message, retryAfterMs(response.headers));
    }
    // Never show a raw status line or an HTML error page to people.
    throw new ApiError(
      response.status,
      "http_error",
      response.status >= 500 ? "The server had a problem. Try again in a moment." : "The request failed.",
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ApiError(
      response.status,
      "bad_response",
      "The server sent an answer Parley did not understand.",
    );
  return parsed.data;
}

/** A sentence for people, whatever went wrong (never a stack trace or JSON). */
export function describeError(error: unknown, fallback: string): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "Parley could not reach the server. Check your connection.";
  return fallback;
}
