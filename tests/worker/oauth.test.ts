// Sign-in with GitHub or Google: PKCE + state, verified email only, guests keep their chats.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createConversation, newGuest, workerFetch } from "./helpers";

function cookiesOf(response: Response, previous: string): string {
  const jar = new Map(previous.split("; ").map((pair) => [pair.split("=")[0]!, pair]));
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";")[0]!;
    const name = pair.split("=")[0]!;
    if (pair.endsWith("=") || header.includes("Max-Age=0")) jar.delete(name);
    else jar.set(name, pair);
  }
  return [...jar.values()].join("; ");
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Runs the browser's side of the flow; `code` tells the fake provider who signs in. */
async function signInWith(provider: "github" | "google", cookie: string, code: string) {
  const start = await workerFetch(`/api/v1/auth/oauth/${provider}`, {
    headers: { cookie },
    redirect: "manual",
  });
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get("location")!);
  const jar = cookiesOf(start, cookie);
  const state = location.searchParams.get("state")!;
  const callback = await workerFetch(
    `/api/v1/auth/oauth/${provider}/callback?code=${encodeURIComponent(code)}&state=${state}`,
    { headers: { cookie: jar }, redirect: "manual" },
  );
  return { start, location, callback, cookie: cookiesOf(callback, jar) };
}

async function me(cookie: string) {
  const response = await workerFetch("/api/v1/session", { headers: { cookie } });
  return (
    await response.json<{
      user: {
        id: string;
        kind: string;
        email: string | null;
        displayName: string | null;
        emailVerified: boolean;
        role: string;
      };
    }>()
  ).user;
}

describe("OAuth sign-in", () => {
  it("lists the providers whose client id and secret are set", async () => {
    const response = await workerFetch("/api/v1/auth/oauth", { headers: { cookie: await newGuest() } });
    expect(await response.json()).toEqual({ providers: ["github", "google"] });
  });

  it("signs a guest in with GitHub using PKCE, keeping the guest's chats", async () => {
    const guest = await newGuest();
    const chat = await createConversation(guest);
    const email = `octo-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const { location, callback, cookie } = await signInWith("github", guest, email);
    expect(location.origin + location.pathname).toBe(`${env.FAKE_UPSTREAM_URL}/login/oauth/authorize`);
    expect(location.searchParams.get("client_id")).toBe("github-client-test");
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/");

    const user = await me(cookie);
    expect(user).toMatchObject({ kind: "user", email });
    const list = await workerFetch("/api/v1/conversations", { headers: { cookie } });
    const { conversations } = await list.json<{ conversations: Array<{ id: string }> }>();
    expect(conversations.map((c) => c.id)).toEqual([chat]);

    // The code exchange happened server to server, with the secret and the PKCE verifier.
    const logged = await fetch(
      `${env.FAKE_UPSTREAM_URL}/__control/oauth-token-request?code=${encodeURIComponent(email)}`,
    );
    const { request } = await logged.json<{ request: Record<string, string> }>();
    expect(request.client_secret).toBe("github-secret-test");
    expect(await s256(request.code_verifier!)).toBe(location.searchParams.get("code_challenge"));
    // The secret never reached the browser.
    expect(location.toString()).not.toContain("github-secret-test");
  });

  it("signs in to the existing account with the same email (Google), from another browser", async () => {
    const email = `same-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const first = await signInWith("google", await newGuest(), email);
    const second = await signInWith("google", await newGuest(), email);
    expect((await me(first.cookie)).id).toBe((await me(second.cookie)).id);
    expect((await me(second.cookie)).displayName).toContain("(Google)");
  });

  it("refuses a forged state and an unverified email, and stays a guest", async () => {
    const guest = await newGuest();
    const start = await workerFetch("/api/v1/auth/oauth/github", {
      headers: { cookie: guest },
      redirect: "manual",
    });
    const jar = cookiesOf(start, guest);
    const forged = await workerFetch("/api/v1/auth/oauth/github/callback?code=x%40example.com&state=forged", {
      headers: { cookie: jar },
      redirect: "manual",
    });
    expect(forged.headers.get("location")).toBe("/?auth_error=oauth_state_mismatch");
    expect((await me(cookiesOf(forged, jar))).kind).toBe("guest");

    const unverified = await signInWith("github", await newGuest(), "unverified@example.com");
    expect(unverified.callback.headers.get("location")).toBe("/?auth_error=oauth_unverified_email");
    expect((await me(unverified.cookie)).kind).toBe("guest");
  });

  it("counts the provider's email as verified, so a listed address is an admin at once", async () => {
    const email = `vouched-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const { cookie } = await signInWith("google", await newGuest(), email);
    expect(await me(cookie)).toMatchObject({ emailVerified: true, role: "member" });
    // owner@example.com is in ADMIN_EMAILS (vitest.config.ts).
    const admin = await signInWith("github", await newGuest(), "owner@example.com");
    expect(await me(admin.cookie)).toMatchObject({ emailVerified: true, role: "admin" });
  });

  it("takes over an unverified password account with its address: its password and sessions end", async () => {
    const email = `squat-${crypto.randomUUID().slice(0, 6)}@example.com`;
    // Someone signed up with an address that is not theirs, and stays signed in.
    const squatter = await workerFetch("/api/v1/auth/signup", {
      method: "POST",
      headers: { cookie: await newGuest(), "content-type": "application/json" },
      body: JSON.stringify({ email, password: "squatters password" }),
    });
    const squatterRefresh = cookiesOf(squatter, "")
      .split("; ")
      .find((pair) => pair.startsWith("parley_refresh="))!;
    const squatterId = (await me(cookiesOf(squatter, ""))).id;

    const { cookie } = await signInWith("google", await newGuest(), email);
    expect(await me(cookie)).toMatchObject({ id: squatterId, email, emailVerified: true });
    const signIn = await workerFetch("/api/v1/auth/signin", {
      method: "POST",
      headers: { cookie: await newGuest(), "content-type": "application/json" },
      body: JSON.stringify({ email, password: "squatters password" }),
    });
    expect(signIn.status).toBe(401);
    expect((await me(squatterRefresh)).kind).toBe("guest");
  });

  it("answers 404 for a provider that is not configured", async () => {
    const response = await workerFetch("/api/v1/auth/oauth/gitlab", {
      headers: { cookie: await newGuest() },
      redirect: "manual",
    });
    expect(response.status).toBe(404);
  });
});
