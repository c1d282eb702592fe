/**
 * Accounts, own provider keys, API tokens and usage (`/api/v1/auth/*`, `/keys`, `/tokens`,
 * `/usage`). Only the sign-in
 * dialog and the settings page use these, so they stay out of the first chunk.
 */
import { z } from "zod";
import {
  keyAnswerSchema,
  keyListSchema,
  mailSentSchema,
  monthUsageSchema,
  userAnswerSchema,
  type MailSent,
  type MonthUsage,
  type SessionUser,
  type StoredKey,
} from "#protocol/http";
import {
  createdTokenSchema,
  tokenListSchema,
  type CreateTokenInput,
  type CreatedToken,
  type TokenView,
} from "#protocol/tokens";
import { ApiError, request } from "./client.ts";

/** The providers that can run on a person's own key (worker/providers: acceptsOwnKey). */
export const OWN_KEY_PROVIDERS = ["openai", "anthropic", "gemini", "openrouter", "deepseek"] as const;

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

/**
 * Answers alike whether or not the email already had an account (the server mailed it either
 * way); whether this browser is now signed in is for `getSession` to say.
 */
export async function signUp(input: {
  email: string;
  password: string;
  displayName?: string;
}): Promise<MailSent> {
  return request("/api/v1/auth/signup", mailSentSchema, post(input));
}

export async function signIn(input: { email: string; password: string }): Promise<SessionUser> {
  return (await request("/api/v1/auth/signin", userAnswerSchema, post(input))).user;
}

export async function signOut({ everywhere = false } = {}): Promise<void> {
  await request(`/api/v1/auth/${everywhere ? "signout-all" : "signout"}`, z.undefined(), {
    method: "POST",
  });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<SessionUser> {
  const body = post({ currentPassword, newPassword });
  return (await request("/api/v1/auth/password", userAnswerSchema, body)).user;
}

export async function listKeys(): Promise<StoredKey[]> {
  return (await request("/api/v1/keys", keyListSchema)).keys;
}

export async function saveKey(provider: string, apiKey: string): Promise<StoredKey> {
  return (
    await request(`/api/v1/keys/${encodeURIComponent(provider)}`, keyAnswerSchema, {
      method: "PUT",
      body: JSON.stringify({ apiKey }),
    })
  ).key;
}

export async function deleteKey(provider: string): Promise<void> {
  await request(`/api/v1/keys/${encodeURIComponent(provider)}`, z.undefined(), { method: "DELETE" });
}

export async function listTokens(): Promise<TokenView[]> {
  return (await request("/api/v1/tokens", tokenListSchema)).tokens;
}

/** The only answer that holds the token's secret: show it once, keep it nowhere. */
export async function createToken(input: CreateTokenInput): Promise<CreatedToken> {
  return request("/api/v1/tokens", createdTokenSchema, post(input));
}

export async function revokeToken(id: string): Promise<void> {
  await request(`/api/v1/tokens/${encodeURIComponent(id)}`, z.undefined(), { method: "DELETE" });
}

export async function getUsage(): Promise<MonthUsage> {
  return request("/api/v1/usage", monthUsageSchema);
}

/**
 * "Too many attempts. Try again in N seconds." for a password attempt the server refused (429
 * `too_many_attempts`), from its `Retry-After`; null for any other error.
 */
export function tooManyAttemptsMessage(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 429 || error.code !== "too_many_attempts") return null;
  if (error.retryAfterMs === null) return error.message;
  const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  const wait =
    seconds === 1 ? "1 second" : seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many attempts. Try again in ${wait}.`;
}

/**
 * Splits an API error into the field it names and a sentence for people. Validation errors read
 * `field: message` (the worker's request validation); a few codes belong to a known field.
 */
export function fieldError(
  error: unknown,
  fields: readonly string[],
): { field: string | null; message: string } | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "email_taken" && fields.includes("email"))
    return { field: "email", message: error.message };
  const match = /^([A-Za-z]+)(?:\.[\w.]+)?:\s*(.+)$/.exec(error.message);
  if (error.code === "invalid_request" && match?.[1] && match[2] && fields.includes(match[1])) {
    return { field: match[1], message: sentence(match[2], match[1]) };
  }
  return null;
}

/** zod's English ("Invalid email address", "Too small: …") as a sentence that ends with a stop. */
function sentence(message: string, field: string): string {
  if (/^invalid email/i.test(message)) return "Enter a valid email address.";
  if (/^too small/i.test(message)) {
    return /password/i.test(field) ? "Use at least 8 characters." : "That is too short.";
  }
  if (/^too big/i.test(message)) return "That is too long.";
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
