// Caps on open sockets (docs/security.md, "Abuse and cost"): one person may hold 12 sockets on a
// conversation room and 24 on their hub, guests 48 per address on a room (the defaults). The one
// over a cap is accepted and closed at once with 4429; the others, and other people, carry on.
import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "#protocol/close-codes";
import { connectHub, type HubClient } from "./hub-client";
import type { Share } from "#protocol/sharing";
import {
  connectRoom,
  createConversation,
  isDoneFor,
  isType,
  newGuest,
  slowPrompt,
  uniqueTag,
  workerFetch,
  type RoomClient,
} from "./helpers";

const ROOM_CAP = 12;
const GUEST_ADDRESS_CAP = 48;
const HUB_CAP = 24;

const isPresenceOf = (viewers: number) => (frame: { type: string; viewers?: number }) =>
  frame.type === "presence" && frame.viewers === viewers;

async function watchLink(cookie: string, id: string): Promise<string> {
  const response = await workerFetch(`/api/v1/conversations/${id}/share`, {
    method: "PUT",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ mode: "watch" }),
  });
  expect([200, 201]).toContain(response.status);
  return (await response.json<{ share: Share }>()).share.token;
}

/** Opens `count` sockets one after another, each with its snapshot before the next. */
async function openRoomSockets(
  count: number,
  id: string,
  cookie: string,
  query = "",
  headers: Record<string, string> = {},
): Promise<RoomClient[]> {
  const clients: RoomClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = await connectRoom(id, cookie, query, {}, headers);
    await client.waitFor(isType("snapshot"));
    clients.push(client);
  }
  return clients;
}

/** What the server did first with a socket just opened: sent it a frame (it is in), or closed it. */
function firstOutcome(socket: WebSocket, framesSoFar: number): Promise<"frame" | number> {
  if (framesSoFar > 0) return Promise.resolve("frame");
  return new Promise((resolve) => {
    socket.addEventListener("message", () => resolve("frame"));
    socket.addEventListener("close", (event) => resolve(event.code));
  });
}

describe("sockets per person on a room", () => {
  it("closes the one over the cap with 4429; the others still get every frame, others may join", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const open = await openRoomSockets(ROOM_CAP, id, owner);

    const extra = await connectRoom(id, owner);
    expect(await firstOutcome(extra.socket, extra.frames.length)).toBe(CLOSE_CODES.tooManySockets);
    expect((await extra.closed).reason).toMatch(/too many open connections/i);

    // Someone else (through a watch link) is not held back by the owner's sockets; everyone hears
    // that they joined.
    const watcher = await connectRoom(id, await newGuest(), `?share=${await watchLink(owner, id)}`);
    await watcher.waitFor(isType("snapshot"));
    await Promise.all(open.map((client) => client.waitFor(isPresenceOf(ROOM_CAP + 1))));

    // The sockets under the cap still get a whole answer.
    open[0]!.send({ type: "send", content: slowPrompt(uniqueTag("caps"), 5, 1), model: "gpt-5-mini" });
    const done = await watcher.waitFor(isType("done"));
    await Promise.all(open.map((client) => client.waitFor(isDoneFor(done.messageId))));

    // Closing one frees its place (once the room has seen it go: the others hear it in presence).
    open[0]!.close();
    await open[0]!.closed;
    await watcher.waitFor(isPresenceOf(ROOM_CAP));
    const again = await connectRoom(id, owner);
    await again.waitFor(isType("snapshot"));
    await watcher.waitFor(isPresenceOf(ROOM_CAP + 1));

    for (const client of [...open.slice(1), again, watcher]) client.close();
  });
});

describe("guest sockets per address on a room", () => {
  it("caps guests from one address together, but not guests elsewhere or accounts", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const query = `?share=${await watchLink(owner, id)}`;
    const sameNetwork = { "cf-connecting-ip": "2001:db8:cafe::1" };

    // Four guests on one network fill its places with twelve sockets each.
    const open: RoomClient[] = [];
    for (let guest = 0; guest < GUEST_ADDRESS_CAP / ROOM_CAP; guest++) {
      open.push(...(await openRoomSockets(ROOM_CAP, id, await newGuest(), query, sameNetwork)));
    }

    // A fifth guest there, with a single socket, is one too many for the address.
    const fifth = await connectRoom(id, await newGuest(), query, {}, sameNetwork);
    expect(await firstOutcome(fifth.socket, fifth.frames.length)).toBe(CLOSE_CODES.tooManySockets);
    expect((await fifth.closed).reason).toMatch(/from this network/i);

    // A guest elsewhere, and an account on the same network, come in.
    const elsewhere = await connectRoom(id, await newGuest(), query);
    await elsewhere.waitFor(isType("snapshot"));
    const account = await newGuest();
    const signup = await workerFetch("/api/v1/auth/signup", {
      method: "POST",
      headers: { cookie: account, "content-type": "application/json", ...sameNetwork },
      body: JSON.stringify({ email: `${uniqueTag("caps")}@example.com`, password: "correct horse battery" }),
    });
    expect(signup.status).toBe(200);
    const accountCookie = signup.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .filter((c) => !c.endsWith("="))
      .join("; ");
    const member = await connectRoom(id, accountCookie, query, {}, sameNetwork);
    await member.waitFor(isType("snapshot"));
    await open[0]!.waitFor(isPresenceOf(GUEST_ADDRESS_CAP + 2));

    for (const client of [...open, elsewhere, member]) client.close();
  });
});

describe("sockets per person on their hub", () => {
  it("closes the one over the cap with 4429; the others still get pushes, and a closed one frees a place", async () => {
    const guest = await newGuest();
    const open: HubClient[] = [];
    for (let i = 0; i < HUB_CAP; i++) {
      const hub = await connectHub(guest);
      await hub.waitFor((f) => f.type === "hello");
      open.push(hub);
    }

    const extra = await connectHub(guest);
    expect(await firstOutcome(extra.socket, extra.frames.length)).toBe(CLOSE_CODES.tooManySockets);

    // Another person's hub is theirs alone.
    const stranger = await connectHub(await newGuest());
    await stranger.waitFor((f) => f.type === "hello");

    // Every socket under the cap hears about a new conversation.
    const id = await createConversation(guest);
    await Promise.all(
      open.map((hub) => hub.waitFor((f) => f.type === "conversation" && f.conversation.id === id)),
    );

    open[0]!.close();
    await open[0]!.closed;
    const again = await connectHub(guest);
    await again.waitFor((f) => f.type === "hello");

    for (const hub of [...open.slice(1), again, stranger]) hub.close();
  });
});
