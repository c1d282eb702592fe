// Sign-up does not tell who has an account: a taken address gets the same answer as a new one,
// nothing is created, and the owner is mailed a way to sign in or reset the password.
import { describe, expect, it } from "vitest";
import { rowCounts } from "./helpers";
import { Browser, PASSWORD, nthMailTo, tokenIn, uniqueEmail } from "./mailbox";

describe("sign-up privacy", () => {
  it("answers a taken address like a new one and mails its owner instead", async () => {
    const taken = uniqueEmail("taken");
    const owner = await Browser.signedUp(taken);
    const ownerId = (await owner.me()).id;
    const fresh = uniqueEmail("fresh");

    const newcomer = await Browser.guest();
    const created = await newcomer.post("/api/v1/auth/signup", {
      email: fresh,
      password: "another password",
    });
    const before = await rowCounts();
    const stranger = await Browser.guest();
    const guestId = (await stranger.me()).id;
    const refused = await stranger.post("/api/v1/auth/signup", {
      email: taken,
      password: "another password",
    });

    expect(refused.status).toBe(created.status);
    expect(refused.headers.get("content-type")).toBe(created.headers.get("content-type"));
    const [createdBody, refusedBody] = [await created.json(), await refused.json()];
    expect(JSON.stringify(refusedBody).replaceAll(taken, "X")).toBe(
      JSON.stringify(createdBody).replaceAll(fresh, "X"),
    );
    expect(await rowCounts()).toEqual(before);
    // The new address is signed in; the taken one is not, and stays a guest.
    expect(await newcomer.me()).toMatchObject({ kind: "user", email: fresh });
    expect(await stranger.me()).toMatchObject({ id: guestId, kind: "guest" });

    // The owner hears about it, with a reset link that works (their own sign-up mail was first).
    const note = await nthMailTo(taken, 2);
    expect(note.subject).toMatch(/You already have a Parley account/);
    expect(note.text).toContain("http://localhost/?auth=signin");
    const token = tokenIn(note, "/reset");
    const reset = await (
      await Browser.guest()
    ).post("/api/v1/auth/password/reset", {
      token,
      newPassword: "the owner's new one",
    });
    expect(reset.status).toBe(200);
    expect((await reset.json<{ user: { id: string } }>()).user.id).toBe(ownerId);
    const old = await (
      await Browser.guest()
    ).post("/api/v1/auth/signin", { email: taken, password: PASSWORD });
    expect(old.status).toBe(401);
  });
});
