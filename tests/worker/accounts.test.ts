// Accounts: sign-up keeps a guest's chats, sessions rotate and can be revoked, tokens are checked.
import { env } from "cloudflare:workers";
import { SignJWT, decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { Browser, PASSWORD } from "./browser";
import { createConversation, newGuest, rowCounts, workerFetch } from "./helpers";

let counter = 0;
const uniqueEmail = () => `person${Date.now()}${counter++}@example.com`;

async function signedUp(): Promise<{ browser: Browser; email: string; chat: string }> {
  const browser = new Browser(await newGuest());
  const chat = await createConversation(browser.cookie);
  const email = uniqueEmail();
  const response = await browser.fetch("/api/v1/auth/signup", {
    method: "POST",
    json: { email, password: PASSWORD },
  });
  expect(response.status).toBe(200);
  return { browser, email, chat };
}

describe("sign-up and sign-in", () => {
  it("turns a guest into an account that keeps the guest's chats", async () => {
    const browser = new Browser(await newGuest());
    const before = await browser.me();
    const chat = await createConversation(browser.cookie);
    const email = uniqueEmail();
    const response = await browser.fetch("/api/v1/auth/signup", {
      method: "POST",
      json: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect((await response.json<{ email: string }>()).email).toBe(email);
    expect(browser.value("parley_refresh")).toBeDefined();
    const after = await browser.me();
    expect(after).toMatchObject({ id: before.id, kind: "user", email });
    expect(await browser.conversations()).toEqual([chat]);
    const stored = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(after.id).first<{
      password_hash: string;
    }>();
    expect(stored?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(stored?.password_hash).not.toContain(PASSWORD);
  });

  it("signs in on a second browser, which sees the same chats and brings its own", async () => {
    const { email, chat } = await signedUp();
    const laptop = new Browser(await newGuest());
    const guestChat = await createConversation(laptop.cookie);
    const response = await laptop.fetch("/api/v1/auth/signin", {
      method: "POST",
      json: { email, password: PASSWORD },
    });
    expect(response.status).toBe(200);
    expect((await laptop.conversations()).sort()).toEqual([chat, guestChat].sort());
  });

  it("gives one answer for a wrong password and an unknown email, and creates nothing for a taken email", async () => {
    const { email } = await signedUp();
    const stranger = new Browser(await newGuest());
    for (const attempt of [
      { email, password: "wrong password!" },
      { email: uniqueEmail(), password: PASSWORD },
    ]) {
      const response = await stranger.fetch("/api/v1/auth/signin", { method: "POST", json: attempt });
      expect(response.status).toBe(401);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe("invalid_credentials");
    }
    const before = await rowCounts();
    const taken = await stranger.fetch("/api/v1/auth/signup", {
      method: "POST",
      json: { email, password: PASSWORD },
    });
    // The same answer as for a new address (tests/worker/sign-up-privacy.test.ts), and no account.
    expect(taken.status).toBe(200);
    expect(await rowCounts()).toEqual(before);
    expect((await stranger.me()).kind).toBe("guest");
    const short = await stranger.fetch("/api/v1/auth/signup", {
      method: "POST",
      json: { email: uniqueEmail(), password: "short" },
    });
    expect(short.status).toBe(400);
  });
});

describe("sessions", () => {
  it("rotates the refresh token when the access token is gone", async () => {
    const { browser } = await signedUp();
    const me = await browser.me();
    const firstRefresh = browser.value("parley_refresh");
    browser.drop("parley_session");
    expect((await browser.me()).id).toBe(me.id);
    expect(browser.value("parley_refresh")).not.toBe(firstRefresh);
  });

  it("keeps a browser signed in when several of its requests present one refresh token at once", async () => {
    // A tab that wakes up without its access token sends its list, models and socket requests
    // together, each with the same refresh cookie: every one of them is still the account, and
    // none of them answers with a cookie that would sign the browser out.
    const { browser } = await signedUp();
    const me = await browser.me();
    browser.drop("parley_session");
    const copies = Array.from({ length: 6 }, () => new Browser(browser.cookie));
    const answers = await Promise.all(copies.map((copy) => copy.me()));
    expect(answers.map((user) => user.id)).toEqual(copies.map(() => me.id));
    for (const copy of copies) expect(copy.value("parley_refresh")).toBeDefined();
  });

  it("revokes the whole family when a used refresh token comes back", async () => {
    const { browser } = await signedUp();
    const me = await browser.me();
    const stolen = browser.value("parley_refresh")!;
    browser.drop("parley_session");
    await browser.me();
    // Move the rotation past the grace window, as if the copy were replayed later.
    await env.DB.prepare(
      "UPDATE refresh_tokens SET revoked_at = revoked_at - 60000 WHERE user_id = ? AND revoked_at IS NOT NULL",
    )
      .bind(me.id)
      .run();
    const thief = new Browser(`parley_refresh=${stolen}`);
    expect((await thief.me()).id).not.toBe(me.id);
    // The owner is out at once too, access token and all: both must sign in again.
    expect((await browser.me()).id).not.toBe(me.id);
  });

  it("signs out here, and everywhere", async () => {
    const { browser, email } = await signedUp();
    const me = await browser.me();
    const phone = new Browser(await newGuest());
    await phone.fetch("/api/v1/auth/signin", { method: "POST", json: { email, password: PASSWORD } });

    // A copy of the access cookie kept from before signing out is worth nothing at once, not
    // when the token would have expired.
    const keptCopy = new Browser(`parley_session=${browser.value("parley_session")}`);
    expect((await browser.fetch("/api/v1/auth/signout", { method: "POST" })).status).toBe(204);
    expect(await browser.me()).toMatchObject({ kind: "guest" });
    expect(await keptCopy.me()).toMatchObject({ kind: "guest" });
    expect((await phone.me()).id).toBe(me.id);

    // Signing out everywhere from one device ends the phone's session on its next request.
    const tablet = new Browser(await newGuest());
    await tablet.fetch("/api/v1/auth/signin", { method: "POST", json: { email, password: PASSWORD } });
    expect((await tablet.fetch("/api/v1/auth/signout-all", { method: "POST" })).status).toBe(204);
    expect((await tablet.me()).kind).toBe("guest");
    expect((await phone.me()).kind).toBe("guest");
  });

  it("changes the password and ends the other sessions", async () => {
    const { browser, email } = await signedUp();
    const phone = new Browser(await newGuest());
    await phone.fetch("/api/v1/auth/signin", { method: "POST", json: { email, password: PASSWORD } });
    const wrong = await browser.fetch("/api/v1/auth/password", {
      method: "POST",
      json: { currentPassword: "not it at all", newPassword: "a brand new secret" },
    });
    expect(wrong.status).toBe(401);
    const changed = await browser.fetch("/api/v1/auth/password", {
      method: "POST",
      json: { currentPassword: PASSWORD, newPassword: "a brand new secret" },
    });
    expect(changed.status).toBe(200);
    expect((await phone.me()).kind).toBe("guest");
    // The device that changed it stays signed in.
    expect((await browser.me()).email).toBe(email);
    const fresh = new Browser(await newGuest());
    const old = await fresh.fetch("/api/v1/auth/signin", {
      method: "POST",
      json: { email, password: PASSWORD },
    });
    expect(old.status).toBe(401);
    const renewed = await fresh.fetch("/api/v1/auth/signin", {
      method: "POST",
      json: { email, password: "a brand new secret" },
    });
    expect(renewed.status).toBe(200);
  });
});

describe("tokens and origins", () => {
  const sign = (secret: string, expiresIn: string, sub: string, sid: string) =>
    new SignJWT({ kind: "user", sid })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuer("parley")
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(secret));

  it("rejects tokens signed with another key, and expired ones", async () => {
    const { browser } = await signedUp();
    const me = await browser.me();
    const { sid } = decodeJwt(browser.value("parley_session")!);
    if (typeof sid !== "string") throw new Error("an account's token names its session");
    const forged = new Browser(
      `parley_session=${await sign("another-secret-of-at-least-32-characters", "1h", me.id, sid)}`,
    );
    expect((await forged.me()).id).not.toBe(me.id);
    const expired = new Browser(`parley_session=${await sign(env.SESSION_SECRET, "-1s", me.id, sid)}`);
    expect((await expired.me()).id).not.toBe(me.id);
    const otherSession = new Browser(
      `parley_session=${await sign(env.SESSION_SECRET, "1h", me.id, "made-up")}`,
    );
    expect((await otherSession.me()).id).not.toBe(me.id);
    const valid = new Browser(`parley_session=${await sign(env.SESSION_SECRET, "1h", me.id, sid)}`);
    expect((await valid.me()).id).toBe(me.id);
  });

  it("refuses state changes and socket upgrades from another site", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const before = await rowCounts();
    const post = await workerFetch("/api/v1/conversations", {
      method: "POST",
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(post.status).toBe(403);
    expect((await post.json<{ error: { code: string } }>()).error.code).toBe("bad_origin");
    expect(await rowCounts()).toEqual(before);
    const upgrade = await workerFetch(`/parties/conversation/${id}`, {
      headers: { cookie, upgrade: "websocket", origin: "https://evil.example" },
    });
    expect(upgrade.status).toBe(403);
    const sameSite = await workerFetch("/api/v1/conversations", {
      method: "POST",
      headers: { cookie, origin: "http://localhost" },
    });
    expect(sameSite.status).toBe(201);
  });
});
