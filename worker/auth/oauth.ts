/**
 * Optional sign-in with GitHub or Google (OAuth 2.0 authorization code flow with PKCE). A
 * provider is offered only when its client id and secret are configured. The browser is sent to
 * the provider with a random `state` and a PKCE challenge, both kept in a short-lived signed,
 * HttpOnly cookie; the callback checks them, exchanges the code on the server (the client secret
 * never leaves the worker), reads the person's *verified* email, and signs them in to the
 * account with that email — creating it from their guest session when there is none. That email
 * counts as verified (`ADMIN_EMAILS` applies to it).
 */
import { eq } from "drizzle-orm";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Db } from "../db/queries";
import { users, type User } from "../db/schema";
import { OAUTH_PROVIDERS, type OAuthProvider } from "#protocol/http";
import { normalizeEmail } from "./accounts";
import { endOtherSessions } from "./end-sessions";
import { AppError } from "../errors";

export const OAUTH_COOKIE = "parley_oauth";
const FLOW_TTL_SECONDS = 600;

/**
 * A sign-in that did not work. The callback route turns it into a redirect carrying the code, so
 * the status only matters if one ever reaches `onError`.
 */
function oauthFailure(
  code: "oauth_failed" | "oauth_unverified_email" | "oauth_state_mismatch",
  message: string,
): AppError {
  return new AppError(400, code, message);
}

export function isOAuthFailure(error: unknown): error is AppError {
  return error instanceof AppError && error.code.startsWith("oauth_");
}

interface Endpoints {
  authorize: string;
  token: string;
  profile: string;
  emails?: string;
  scope: string;
}

const oauthEnvSchema = z.object({
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GITHUB_OAUTH_BASE_URL: z.url().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_OAUTH_BASE_URL: z.url().optional(),
});

export interface OAuthClient {
  provider: OAuthProvider;
  clientId: string;
  clientSecret: string;
  endpoints: Endpoints;
}

/**
 * The configured client for `provider`, or null when its id/secret are not set. A base URL
 * override (for a proxy or the tests' fake provider) serves every endpoint of that provider.
 */
export function oauthClient(env: object, provider: string): OAuthClient | null {
  const parsed = oauthEnvSchema.safeParse(env);
  if (!parsed.success) return null;
  const vars = parsed.data;
  if (provider === "github" && vars.GITHUB_CLIENT_ID && vars.GITHUB_CLIENT_SECRET) {
    const web = vars.GITHUB_OAUTH_BASE_URL ?? "https://github.com";
    const api = vars.GITHUB_OAUTH_BASE_URL ?? "https://api.github.com";
    return {
      provider,
      clientId: vars.GITHUB_CLIENT_ID,
      clientSecret: vars.GITHUB_CLIENT_SECRET,
      endpoints: {
        authorize: `${web}/login/oauth/authorize`,
        token: `${web}/login/oauth/access_token`,
        profile: `${api}/user`,
        emails: `${api}/user/emails`,
        scope: "read:user user:email",
      },
    };
  }
  if (provider === "google" && vars.GOOGLE_CLIENT_ID && vars.GOOGLE_CLIENT_SECRET) {
    const base = vars.GOOGLE_OAUTH_BASE_URL;
    return {
      provider,
      clientId: vars.GOOGLE_CLIENT_ID,
      clientSecret: vars.GOOGLE_CLIENT_SECRET,
      endpoints: {
        authorize: `${base ?? "https://accounts.google.com"}/o/oauth2/v2/auth`,
        token: `${base ?? "https://oauth2.googleapis.com"}/token`,
        profile: `${base ?? "https://openidconnect.googleapis.com"}/v1/userinfo`,
        scope: "openid email profile",
      },
    };
  }
  return null;
}

export function enabledOAuthProviders(env: object): OAuthProvider[] {
  return OAUTH_PROVIDERS.filter((provider) => oauthClient(env, provider) !== null);
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/** Where to send the browser, and the signed cookie value that remembers this attempt. */
export async function beginFlow(
  client: OAuthClient,
  redirectUri: string,
  secret: string,
): Promise<{ location: string; cookieValue: string }> {
  const state = randomToken();
  const verifier = randomToken();
  const url = new URL(client.endpoints.authorize);
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", client.endpoints.scope);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", await challengeOf(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  const cookieValue = await new SignJWT({ state, verifier, provider: client.provider })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(`${FLOW_TTL_SECONDS}s`)
    .sign(new TextEncoder().encode(secret));
  return { location: url.toString(), cookieValue };
}

export const OAUTH_FLOW_TTL_SECONDS = FLOW_TTL_SECONDS;

/** Checks the callback against the cookie and returns the PKCE verifier. */
export async function checkCallback(
  client: OAuthClient,
  cookieValue: string | undefined,
  state: string | undefined,
  secret: string,
): Promise<string> {
  const mismatch = oauthFailure(
    "oauth_state_mismatch",
    "That sign-in attempt expired or did not start here. Try again.",
  );
  if (!cookieValue || !state) throw mismatch;
  try {
    const { payload } = await jwtVerify(cookieValue, new TextEncoder().encode(secret));
    if (
      payload.provider !== client.provider ||
      payload.state !== state ||
      typeof payload.verifier !== "string"
    ) {
      throw mismatch;
    }
    return payload.verifier;
  } catch {
    throw mismatch;
  }
}

export interface OAuthProfile {
  email: string;
  name: string | null;
}

const tokenSchema = z.object({ access_token: z.string().min(1) });
const githubUserSchema = z.object({ name: z.string().nullable().optional(), login: z.string() });
const githubEmailsSchema = z.array(
  z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }),
);
const googleUserSchema = z.object({
  email: z.string(),
  email_verified: z.boolean(),
  name: z.string().optional(),
});

/** Exchanges the code and reads the person's verified email and name from the provider. */
export async function fetchProfile(
  client: OAuthClient,
  code: string,
  verifier: string,
  redirectUri: string,
): Promise<OAuthProfile> {
  const failed = () =>
    oauthFailure("oauth_failed", `Sign-in with ${label(client.provider)} did not work. Try again.`);
  const tokenResponse = await fetch(client.endpoints.token, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code,
      redirect_uri: redirectUri,
      grant_type: "authorization_code",
      code_verifier: verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  const token = tokenSchema.safeParse(
    tokenResponse?.ok ? await tokenResponse.json().catch(() => null) : null,
  );
  if (!token.success) throw failed();
  const headers = {
    authorization: `Bearer ${token.data.access_token}`,
    accept: "application/json",
    // GitHub's API refuses requests without a User-Agent.
    "user-agent": "Parley",
  };
  const get = async (url: string) => {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (!response?.ok) throw failed();
    return response.json().catch(() => null);
  };
  if (client.provider === "github") {
    const user = githubUserSchema.safeParse(await get(client.endpoints.profile));
    const emails = githubEmailsSchema.safeParse(await get(client.endpoints.emails!));
    if (!user.success || !emails.success) throw failed();
    const primary = emails.data.find((e) => e.primary && e.verified) ?? emails.data.find((e) => e.verified);
    if (!primary) throw unverified(client.provider);
    return { email: primary.email, name: user.data.name || user.data.login };
  }
  const user = googleUserSchema.safeParse(await get(client.endpoints.profile));
  if (!user.success) throw failed();
  if (!user.data.email_verified) throw unverified(client.provider);
  return { email: user.data.email, name: user.data.name ?? null };
}

function unverified(provider: OAuthProvider): AppError {
  return oauthFailure(
    "oauth_unverified_email",
    `Your ${label(provider)} account has no verified email address, which Parley needs to sign you in.`,
  );
}

export function label(provider: OAuthProvider): string {
  return provider === "github" ? "GitHub" : "Google";
}

/**
 * The account with this (provider-verified) email; or the guest `guestId` turned into one; or a
 * new account. OAuth accounts have no password until the person sets one (password reset).
 *
 * An existing account whose address was never verified is taken over: its creator never proved
 * owning the address, the provider just did. So its password goes (it may be an impostor's, set
 * in advance to share the owner's account), its other sessions end, the address is verified.
 */
export async function accountForProfile(
  env: Env,
  db: Db,
  profile: OAuthProfile,
  guestId: string | null,
): Promise<User> {
  const email = normalizeEmail(profile.email);
  const now = Date.now();
  const [existing] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  if (existing && existing.emailVerifiedAt !== null) return existing;
  if (existing) {
    const [claimed] = await db
      .update(users)
      .set({ emailVerifiedAt: now, passwordHash: null })
      .where(eq(users.id, existing.id))
      .returning();
    await endOtherSessions(env, db, existing.id);
    return claimed ?? existing;
  }
  const account = {
    kind: "user" as const,
    email,
    passwordHash: null,
    displayName: profile.name?.slice(0, 80) ?? null,
    emailVerifiedAt: now,
    lastSeenAt: now,
  };
  const [row] = await db
    .insert(users)
    .values({ id: guestId ?? crypto.randomUUID(), createdAt: now, ...account })
    .onConflictDoUpdate({ target: users.id, set: account, where: eq(users.kind, "guest") })
    .returning();
  if (row) return row;
  // The guest id was already an account (cannot happen for a guest session); start a fresh one.
  const [fresh] = await db
    .insert(users)
    .values({ id: crypto.randomUUID(), createdAt: now, ...account })
    .returning();
  return fresh!;
}
