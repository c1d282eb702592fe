// "Forgot password": a single-use, 30-minute link by mail; using it sets the password, signs this
// browser in and every other session out. Asking reveals nothing about who has an account.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Browser, PASSWORD, errorCode, mailsTo, nthMailTo, tokenIn, uniqueEmail } from "./mailbox";

const NEW_PASSWORD = "a brand new secret";

async function forgot(email: string): Promise<Response> {
  return (await Browser.guest()).post("/api/v1/auth/password/forgot", { email });
}

async function signIn(email: string, password: string): Promise<Browser & { status: number }> {
  const browser = await Browser.guest();
  const response = await browser.post("/api/v1/auth/signin", { email, password });
  return Object.assign(browser, { status: response.status });
}

describe("password reset", () => {
  it("mails a link that sets a new password once, signs in here and ends every other session", async () => {
    const email = uniqueEmail("reset");
    const laptop = await Browser.signedUp(email);
    const me = await laptop.me();
    const phone = await signIn(email, PASSWORD);
    expect((await phone.me()).id).toBe(me.id);

    const asked = await forgot(email);
    expect(asked.status).toBe(200);
    // The sign-up's confirmation mail first, then the reset mail.
    const mail = await nthMailTo(email, 2);
    expect(mail.subject).toMatch(/Reset your Parley password/);
    const token = tokenIn(mail, "/reset");

    const tablet = await Browser.guest();
    const reset = await tablet.post("/api/v1/auth/password/reset", { token, newPassword: NEW_PASSWORD });
    expect(reset.status).toBe(200);
    expect(await tablet.me()).toMatchObject({ id: me.id, kind: "user", emailVerified: true });

    // The other devices are out on their next request, access token and all.
    for (const device of [laptop, phone]) {
      expect((await device.me()).kind).toBe("guest");
    }
    expect((await signIn(email, PASSWORD)).status).toBe(401);
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);

    const again = await (
      await Browser.guest()
    ).post("/api/v1/auth/password/reset", {
      token,
      newPassword: "yet another secret",
    });
    expect(again.status).toBe(400);
    expect(await errorCode(again)).toBe("link_invalid");
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);
  });

  it("refuses an expired link, and one replaced by a newer link", async () => {
    const email = uniqueEmail("expired");
    const browser = await Browser.signedUp(email);
    const { id } = await browser.me();
    await forgot(email);
    const first = tokenIn(await nthMailTo(email, 2), "/reset");
    await env.DB.prepare(
      "UPDATE email_tokens SET expires_at = ? WHERE user_id = ? AND purpose = 'reset_password'",
    )
      .bind(Date.now() - 1, id)
      .run();
    const expired = await browser.post("/api/v1/auth/password/reset", {
      token: first,
      newPassword: NEW_PASSWORD,
    });
    expect(expired.status).toBe(400);
    expect(await errorCode(expired)).toBe("link_invalid");

    // Two fresh links (the throttle's minute moved back): only the newer one works.
    await env.DB.prepare("UPDATE email_tokens SET created_at = created_at - 61000 WHERE user_id = ?")
      .bind(id)
      .run();
    await forgot(email);
    const older = tokenIn(await nthMailTo(email, 3), "/reset");
    await env.DB.prepare("UPDATE email_tokens SET created_at = created_at - 61000 WHERE user_id = ?")
      .bind(id)
      .run();
    await forgot(email);
    const newer = tokenIn(await nthMailTo(email, 4), "/reset");
    const replaced = await browser.post("/api/v1/auth/password/reset", {
      token: older,
      newPassword: NEW_PASSWORD,
    });
    expect(await errorCode(replaced)).toBe("link_invalid");
    const used = await browser.post("/api/v1/auth/password/reset", {
      token: newer,
      newPassword: NEW_PASSWORD,
    });
    expect(used.status).toBe(200);
    expect((await signIn(email, PASSWORD)).status).toBe(401);
  });

  it("answers the same for an address without an account, and mails no one", async () => {
    const email = uniqueEmail("known");
    await Browser.signedUp(email);
    const stranger = uniqueEmail("nobody");
    const unknown = await forgot(stranger);
    const known = await forgot(email);
    expect(unknown.status).toBe(known.status);
    const [knownBody, unknownBody] = [await known.json(), await unknown.json()];
    expect(JSON.stringify(unknownBody).replaceAll(stranger, "X")).toBe(
      JSON.stringify(knownBody).replaceAll(email, "X"),
    );
    await nthMailTo(email, 2);
    expect(await mailsTo(stranger)).toEqual([]);
  });
});
