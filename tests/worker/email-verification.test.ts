// Confirming an email address: sign-up mails a link, following it (signed in to that account)
// verifies the address, and only a verified address listed in ADMIN_EMAILS makes an admin.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Browser, errorCode, mailsTo, nthMailTo, tokenIn, uniqueEmail } from "./mailbox";

describe("email verification", () => {
  it("mails a link at sign-up; following it confirms the address", async () => {
    const email = uniqueEmail("verify");
    const browser = await Browser.signedUp(email);
    expect(await browser.me()).toMatchObject({ kind: "user", email, emailVerified: false });

    const mail = await nthMailTo(email);
    expect(mail.subject).toMatch(/Confirm your email/);
    expect(mail.from).toBe("Parley <parley@example.com>");
    const token = tokenIn(mail, "/verify");
    // Only the hash is stored.
    const stored = await env.DB.prepare("SELECT token_hash FROM email_tokens WHERE email = ?")
      .bind(email)
      .first<{ token_hash: string }>();
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(token);

    const verified = await browser.post("/api/v1/auth/email/verify", { token });
    expect(verified.status).toBe(200);
    expect((await verified.json<{ user: { emailVerified: boolean } }>()).user.emailVerified).toBe(true);
    expect(await browser.me()).toMatchObject({ email, emailVerified: true });

    // Single use.
    const again = await browser.post("/api/v1/auth/email/verify", { token });
    expect(again.status).toBe(400);
    expect(await errorCode(again)).toBe("link_invalid");
  });

  it("does not confirm the address from a browser that is not signed in to that account", async () => {
    const email = uniqueEmail("elsewhere");
    const owner = await Browser.signedUp(email);
    const token = tokenIn(await nthMailTo(email), "/verify");

    const stranger = await Browser.guest();
    const asGuest = await stranger.post("/api/v1/auth/email/verify", { token });
    expect(asGuest.status).toBe(401);
    expect(await errorCode(asGuest)).toBe("sign_in_required");
    const other = await Browser.signedUp(uniqueEmail("other"));
    const asOther = await other.post("/api/v1/auth/email/verify", { token });
    expect(asOther.status).toBe(403);
    expect(await errorCode(asOther)).toBe("wrong_account");
    expect((await owner.me()).emailVerified).toBe(false);

    // Those refusals did not use the link up: its owner still can.
    expect((await owner.post("/api/v1/auth/email/verify", { token })).status).toBe(200);
    expect((await owner.me()).emailVerified).toBe(true);
  });

  it("makes an ADMIN_EMAILS address an admin only once it is verified", async () => {
    // admin@example.com is listed in vitest.config.ts; anyone could type it at sign-up.
    const browser = await Browser.signedUp("admin@example.com");
    expect(await browser.me()).toMatchObject({ kind: "user", role: "member", emailVerified: false });
    const refused = await browser.fetch("/api/v1/admin/models");
    expect(refused.status).toBe(403);

    const token = tokenIn(await nthMailTo("admin@example.com"), "/verify");
    const verified = await browser.post("/api/v1/auth/email/verify", { token });
    expect((await verified.json<{ user: { role: string } }>()).user.role).toBe("admin");
    expect(await browser.me()).toMatchObject({ role: "admin", emailVerified: true });
    expect((await browser.fetch("/api/v1/admin/models")).status).toBe(200);
  });

  it("resends the link when asked, at most once a minute", async () => {
    const email = uniqueEmail("resend");
    const browser = await Browser.signedUp(email);
    const first = tokenIn(await nthMailTo(email), "/verify");

    const tooSoon = await browser.post("/api/v1/auth/email/verification");
    expect(tooSoon.status).toBe(429);
    expect(await errorCode(tooSoon)).toBe("mail_throttled");
    expect(Number(tooSoon.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await mailsTo(email)).toHaveLength(1);

    // A minute later (the first link's row moved back in time), another one goes out.
    const me = await browser.me();
    await env.DB.prepare("UPDATE email_tokens SET created_at = created_at - 61000 WHERE user_id = ?")
      .bind(me.id)
      .run();
    const resent = await browser.post("/api/v1/auth/email/verification");
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ email });
    const second = tokenIn(await nthMailTo(email, 2), "/verify");
    expect(second).not.toBe(first);
    expect((await browser.post("/api/v1/auth/email/verify", { token: second })).status).toBe(200);

    const done = await browser.post("/api/v1/auth/email/verification");
    expect(done.status).toBe(409);
    expect(await errorCode(done)).toBe("already_verified");
  });

  it("lets a guest ask for nothing", async () => {
    const guest = await Browser.guest();
    const response = await guest.post("/api/v1/auth/email/verification");
    expect(response.status).toBe(401);
  });
});
