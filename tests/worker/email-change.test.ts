// Changing the email address: the current password, a link to the new address, and no change
// until that link is followed (signed in to the account); the old address is told.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Browser, PASSWORD, errorCode, mailsTo, nthMailTo, tokenIn, uniqueEmail } from "./mailbox";

describe("email change", () => {
  it("moves the account to the new address only once the link sent there is followed", async () => {
    const old = uniqueEmail("old");
    const next = uniqueEmail("new");
    const browser = await Browser.signedUp(old);

    const wrong = await browser.post("/api/v1/auth/email/change", {
      email: next,
      currentPassword: "nope nope",
    });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe("invalid_credentials");
    const missing = await browser.post("/api/v1/auth/email/change", { email: next });
    expect(missing.status).toBe(401);

    const asked = await browser.post("/api/v1/auth/email/change", { email: next, currentPassword: PASSWORD });
    expect(asked.status).toBe(200);
    expect(await asked.json()).toMatchObject({ email: next });
    const mail = await nthMailTo(next);
    expect(mail.subject).toMatch(/Confirm your new email/);
    const token = tokenIn(mail, "/email");
    // Nothing changed yet.
    expect((await browser.me()).email).toBe(old);
    const stillOld = await (
      await Browser.guest()
    ).post("/api/v1/auth/signin", { email: old, password: PASSWORD });
    expect(stillOld.status).toBe(200);

    // A browser that is not signed in to the account cannot use the link.
    const stranger = await Browser.guest();
    expect((await stranger.post("/api/v1/auth/email/change/confirm", { token })).status).toBe(401);

    const confirmed = await browser.post("/api/v1/auth/email/change/confirm", { token });
    expect(confirmed.status).toBe(200);
    expect(await browser.me()).toMatchObject({ email: next, emailVerified: true });
    const notice = (await mailsTo(old)).find((m) => /was changed/.test(m.subject));
    expect(notice?.text).toContain(next);
    expect(notice?.text).not.toMatch(/token=/);

    const withNew = await (
      await Browser.guest()
    ).post("/api/v1/auth/signin", { email: next, password: PASSWORD });
    expect(withNew.status).toBe(200);
    const withOld = await (
      await Browser.guest()
    ).post("/api/v1/auth/signin", { email: old, password: PASSWORD });
    expect(withOld.status).toBe(401);
    expect((await browser.post("/api/v1/auth/email/change/confirm", { token })).status).toBe(400);
  });

  it("answers the same for an address that has an account, whose owner gets a note and no link", async () => {
    const mine = uniqueEmail("mine");
    const theirs = uniqueEmail("theirs");
    const free = uniqueEmail("free");
    await Browser.signedUp(theirs);
    const browser = await Browser.signedUp(mine);

    const toFree = await browser.post("/api/v1/auth/email/change", {
      email: free,
      currentPassword: PASSWORD,
    });
    const me = await browser.me();
    // The minute between two change mails has not passed; move the first one back.
    await env.DB.prepare("UPDATE email_tokens SET created_at = created_at - 61000 WHERE user_id = ?")
      .bind(me.id)
      .run();
    const toTaken = await browser.post("/api/v1/auth/email/change", {
      email: theirs,
      currentPassword: PASSWORD,
    });
    expect(toTaken.status).toBe(toFree.status);
    expect(JSON.stringify(await toTaken.json()).replaceAll(theirs, "X")).toBe(
      JSON.stringify(await toFree.json()).replaceAll(free, "X"),
    );
    // The sign-up's confirmation first, then the note.
    const note = await nthMailTo(theirs, 2);
    expect(note.subject).toMatch(/Someone tried to use your email address/);
    expect(note.text).not.toMatch(/token=/);
    expect((await browser.me()).email).toBe(mine);
  });

  it("refuses the address the account already has", async () => {
    const email = uniqueEmail("same");
    const browser = await Browser.signedUp(email);
    const same = await browser.post("/api/v1/auth/email/change", {
      email: email.toUpperCase(),
      currentPassword: PASSWORD,
    });
    expect(same.status).toBe(400);
    expect(await errorCode(same)).toBe("same_email");
  });
});
