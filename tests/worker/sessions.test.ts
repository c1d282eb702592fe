// Identities that end: a guest cookie from before sign-up or sign-in is worth nothing afterwards,
// and signing out ends a session on the next request and on every open socket at once.
import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "#protocol/frames";
import { connectHub } from "./hub-client";
import { Browser, PASSWORD } from "./browser";
import { connectRoom, createConversation, isType, newGuest, roomEntry, workerFetch } from "./helpers";

let counter = 0;
const uniqueEmail = () => `session${Date.now()}${counter++}@example.com`;

async function signUp(browser: Browser, email = uniqueEmail()): Promise<string> {
  const response = await browser.fetch("/api/v1/auth/signup", {
    method: "POST",
    json: { email, password: PASSWORD },
  });
  expect(response.status).toBe(200);
  return email;
}

async function signIn(browser: Browser, email: string): Promise<void> {
  const response = await browser.fetch("/api/v1/auth/signin", {
    method: "POST",
    json: { email, password: PASSWORD },
  });
  expect(response.status).toBe(200);
}

/** What a person holding `browser`'s cookies can see and do with the account's chat `chat`. */
async function reach(browser: Browser, chat: string) {
  const read = await browser.fetch(`/api/v1/conversations/${chat}`);
  const rename = await browser.fetch(`/api/v1/conversations/${chat}`, {
    method: "PATCH",
    json: { title: "taken over" },
  });
  const exported = await browser.fetch("/api/v1/account/export");
  const socket = await roomEntry(chat, browser.cookie);
  return {
    read: read.status,
    rename: rename.status,
    exportMentions: (await exported.text()).includes(chat),
    socket,
    listed: await browser.conversations(),
  };
}

describe("a guest identity ends when it becomes an account", () => {
  it("leaves a copy of the guest cookie from before sign-up a fresh, empty guest", async () => {
    const browser = new Browser(await newGuest());
    const asGuest = await createConversation(browser.cookie);
    const copy = new Browser(browser.cookie);
    const guestSocket = await connectRoom(asGuest, browser.cookie);
    const guestHub = await connectHub(browser.cookie);
    await signUp(browser);
    const asAccount = await createConversation(browser.cookie);

    // The sockets opened as the guest are closed: they belonged to an identity that is gone.
    expect((await guestSocket.closed).code).toBe(CLOSE_CODES.signedOut);
    expect((await guestHub.closed).code).toBe(CLOSE_CODES.signedOut);
    // The account keeps both chats; the copy of the old cookie reaches neither.
    expect(await browser.conversations()).toEqual(expect.arrayContaining([asGuest, asAccount]));
    const me = await browser.me();
    expect(await copy.me()).toMatchObject({ kind: "guest" });
    expect((await copy.me()).id).not.toBe(me.id);
    for (const chat of [asGuest, asAccount]) {
      expect(await reach(copy, chat)).toEqual({
        read: 404,
        rename: 404,
        exportMentions: false,
        socket: "not_found 4404",
        listed: [],
      });
    }
    expect((await browser.fetch(`/api/v1/conversations/${asGuest}`)).status).toBe(200);
  });

  it("leaves a copy of the guest cookie from before sign-in a fresh, empty guest", async () => {
    const email = await signUp(new Browser(await newGuest()));
    const laptop = new Browser(await newGuest());
    const asGuest = await createConversation(laptop.cookie);
    const copy = new Browser(laptop.cookie);
    const guestSocket = await connectRoom(asGuest, laptop.cookie);
    await signIn(laptop, email);

    expect((await guestSocket.closed).code).toBe(CLOSE_CODES.signedOut);
    // The chat moved to the account, and the account may open it live.
    expect(await laptop.conversations()).toContain(asGuest);
    const owner = await connectRoom(asGuest, laptop.cookie);
    expect((await owner.waitFor(isType("snapshot"))).type).toBe("snapshot");
    owner.close();
    expect(await reach(copy, asGuest)).toEqual({
      read: 404,
      rename: 404,
      exportMentions: false,
      socket: "not_found 4404",
      listed: [],
    });
  });
});

describe("signing out takes effect at once", () => {
  it("closes that session's sockets and leaves other devices connected", async () => {
    const laptop = new Browser(await newGuest());
    const email = await signUp(laptop);
    const phone = new Browser(await newGuest());
    await signIn(phone, email);
    const chat = await createConversation(laptop.cookie);
    const laptopRoom = await connectRoom(chat, laptop.cookie);
    const laptopHub = await connectHub(laptop.cookie);
    const phoneRoom = await connectRoom(chat, phone.cookie);
    const phoneHub = await connectHub(phone.cookie);
    await laptopRoom.waitFor(isType("snapshot"));
    await phoneRoom.waitFor(isType("snapshot"));

    expect((await laptop.fetch("/api/v1/auth/signout", { method: "POST" })).status).toBe(204);
    expect((await laptopRoom.closed).code).toBe(CLOSE_CODES.signedOut);
    expect((await laptopHub.closed).code).toBe(CLOSE_CODES.signedOut);
    // The phone's session is untouched: its sockets still answer.
    phoneHub.socket.send(JSON.stringify({ type: "ping" }));
    await phoneHub.waitFor((frame) => frame.type === "pong");
    phoneRoom.send({ type: "ping" });
    await phoneRoom.waitFor(isType("pong"));

    expect((await phone.fetch("/api/v1/auth/signout-all", { method: "POST" })).status).toBe(204);
    expect((await phoneRoom.closed).code).toBe(CLOSE_CODES.signedOut);
    expect((await phoneHub.closed).code).toBe(CLOSE_CODES.signedOut);
  });

  it("ends other devices' sockets on a password change, not this device's", async () => {
    const laptop = new Browser(await newGuest());
    const email = await signUp(laptop);
    const phone = new Browser(await newGuest());
    await signIn(phone, email);
    const chat = await createConversation(laptop.cookie);
    const laptopRoom = await connectRoom(chat, laptop.cookie);
    const phoneRoom = await connectRoom(chat, phone.cookie);
    const phoneHub = await connectHub(phone.cookie);
    await phoneRoom.waitFor(isType("snapshot"));

    const changed = await laptop.fetch("/api/v1/auth/password", {
      method: "POST",
      json: { currentPassword: PASSWORD, newPassword: "another long secret" },
    });
    expect(changed.status).toBe(200);
    expect((await phoneRoom.closed).code).toBe(CLOSE_CODES.signedOut);
    expect((await phoneHub.closed).code).toBe(CLOSE_CODES.signedOut);
    laptopRoom.send({ type: "ping" });
    await laptopRoom.waitFor(isType("pong"));
    // A socket the phone opens with its old cookies is refused: the session is over.
    const again = await workerFetch(`/parties/conversation/${chat}`, {
      headers: { upgrade: "websocket", cookie: phone.cookie },
    });
    expect(again.status).not.toBe(101);
  });

  it("closes the socket of a signed-out session in another person's shared room", async () => {
    const host = new Browser(await newGuest());
    const chat = await createConversation(host.cookie);
    const link = await host.fetch(`/api/v1/conversations/${chat}/share`, {
      method: "PUT",
      json: { mode: "collaborate" },
    });
    expect(link.status).toBe(201);
    const { share } = await link.json<{ share: { token: string } }>();
    const guest = new Browser(await newGuest());
    await signUp(guest);
    const joined = await connectRoom(chat, guest.cookie, `?share=${share.token}`);
    await joined.waitFor(isType("snapshot"));
    expect((await guest.fetch("/api/v1/auth/signout", { method: "POST" })).status).toBe(204);
    expect((await joined.closed).code).toBe(CLOSE_CODES.signedOut);
  });
});
