// A ban takes effect at once, on what is already open too: every socket of the banned person (each
// room they joined, their hub) gets a `banned` frame and closes with CLOSE_CODES.banned, an answer
// they are writing stops, and their API token is refused; other people in the same room stay.
// vitest.config.ts sets ADMIN_TOKEN.
import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "#protocol/frames";
import { apiAccount } from "./api-client";
import { Browser } from "./browser";
import {
  connectRoom,
  createConversation,
  eventually,
  isDoneFor,
  isType,
  slowPrompt,
  storedMessages,
  uniqueTag,
  upstreamRequests,
  workerFetch,
  type RoomClient,
} from "./helpers";
import { connectHub, type HubClient } from "./hub-client";

const ADMIN_TOKEN = "test-admin-token-at-least-32-characters-long";
const MODEL = "gpt-5-mini";
/** "At once": well under any reconnect or polling interval. */
const AT_ONCE_MS = 3_000;

function ban(userId: string): Promise<Response> {
  return workerFetch(`/api/v1/admin/users/${userId}/ban`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
}

function within<T>(promise: Promise<T>, what: string, ms = AT_ONCE_MS): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

/** The room said why (an `error` frame `banned`) and closed with the ban's code. */
async function expectBannedRoom(room: RoomClient, what: string): Promise<void> {
  const frame = await room.waitFor((f) => f.type === "error" && f.code === "banned", AT_ONCE_MS);
  expect(frame).toMatchObject({ retryable: false });
  expect((await within(room.closed, what)).code, what).toBe(CLOSE_CODES.banned);
}

async function expectBannedHub(hub: HubClient): Promise<void> {
  await hub.waitFor((frame) => frame.type === "banned", AT_ONCE_MS);
  expect((await within(hub.closed, "hub")).code).toBe(CLOSE_CODES.banned);
}

async function shareLink(owner: Browser, conversationId: string): Promise<string> {
  const response = await owner.fetch(`/api/v1/conversations/${conversationId}/share`, {
    method: "PUT",
    json: { mode: "collaborate" },
  });
  expect(response.status).toBe(201);
  return (await response.json<{ share: { token: string } }>()).share.token;
}

describe("a ban takes effect at once", () => {
  it("closes the person's sockets in every room and on the hub, stops their answer, refuses their token, and leaves others connected", async () => {
    const member = await apiAccount();
    const memberId = (await member.browser.me()).id;
    const [chatA, chatB] = [
      await createConversation(member.browser.cookie),
      await createConversation(member.browser.cookie),
    ];
    // Someone else is in the member's first chat through a share link.
    const other = await Browser.guest();
    const token = await shareLink(member.browser, chatA);
    const otherRoom = await connectRoom(chatA, other.cookie, `?share=${token}`);
    await otherRoom.waitFor(isType("snapshot"));

    const roomA = await connectRoom(chatA, member.browser.cookie);
    const roomB = await connectRoom(chatB, member.browser.cookie);
    const hub = await connectHub(member.browser.cookie);
    await roomA.waitFor(isType("snapshot"));
    await roomB.waitFor(isType("snapshot"));
    await hub.waitFor((frame) => frame.type === "hello");

    const tag = uniqueTag("ban");
    roomA.send({ type: "send", content: slowPrompt(tag, 400, 20), model: MODEL });
    const delta = await otherRoom.waitFor((f) => f.type === "delta" && f.offset > 20);
    if (delta.type !== "delta") throw new Error("unreachable");

    expect((await ban(memberId)).status).toBe(200);

    await Promise.all([
      expectBannedRoom(roomA, "room A"),
      expectBannedRoom(roomB, "room B"),
      expectBannedHub(hub),
    ]);
    // Their answer stopped as a Stop would stop it, for everyone still in the room.
    const done = await otherRoom.waitFor(isDoneFor(delta.messageId), AT_ONCE_MS);
    expect(done.finishReason).toBe("stopped");
    expect(done.status).toBe("stopped");
    const requests = await eventually(
      () => upstreamRequests(tag),
      (logs) => logs.length === 1 && logs.every((r) => r.closedByClient),
    );
    expect(requests.map((r) => [r.closedByClient, r.finished])).toEqual([[true, false]]);
    const stored = await eventually(
      () => storedMessages(chatA),
      (rows) => rows.at(-1)?.status === "stopped",
    );
    expect(stored.at(-1)).toMatchObject({ status: "stopped", content: otherRoom.textOf(delta.messageId) });

    // The other person's socket in that room is still open and answers.
    otherRoom.send({ type: "ping" });
    await otherRoom.waitFor(isType("pong"));
    expect(otherRoom.frames.some((f) => f.type === "error")).toBe(false);

    // Their personal token is refused, and no new socket gets in.
    const call = await member.call("/chat/completions", {
      body: { model: MODEL, messages: [{ role: "user", content: "hello" }] },
    });
    expect(call.status).toBe(401);
    const again = await member.browser.fetch(`/parties/conversation/${chatB}`, {
      headers: { upgrade: "websocket" },
    });
    expect(again.status).toBe(403);
    otherRoom.close();
  });

  it("stops an answer the person started over the API, with no socket of theirs open", async () => {
    const member = await apiAccount();
    const memberId = (await member.browser.me()).id;
    const tag = uniqueTag("ban-api");
    const stream = await member.call("/chat/completions", {
      body: { model: MODEL, stream: true, messages: [{ role: "user", content: slowPrompt(tag, 400, 20) }] },
    });
    expect(stream.status).toBe(200);
    const conversationId = stream.headers.get("x-parley-conversation") ?? "";
    const reader = stream.body!.getReader();
    // Some of the answer has come: the upstream call is under way.
    let received = "";
    while ((received.match(/"content":"[^"]/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${received}`);
      received += new TextDecoder().decode(value);
    }

    expect((await ban(memberId)).status).toBe(200);
    // The stream ends soon, well before its 400 slow tokens (8 s) would.
    const ended = (async () => {
      while (!(await reader.read()).done) {
        // drain
      }
    })();
    await within(ended, "API stream");
    const requests = await eventually(
      () => upstreamRequests(tag),
      (logs) => logs.length === 1 && logs.every((r) => r.closedByClient),
    );
    expect(requests.map((r) => [r.closedByClient, r.finished])).toEqual([[true, false]]);
    const stored = await eventually(
      () => storedMessages(conversationId),
      (rows) => rows.at(-1)?.status === "stopped",
    );
    expect(stored.at(-1)).toMatchObject({ role: "assistant", status: "stopped" });
  });

  it("closes a guest's sockets too (a guest's hub is keyed by its id like an account's)", async () => {
    const guest = await Browser.guest();
    const guestId = (await guest.me()).id;
    const chat = await createConversation(guest.cookie);
    const room = await connectRoom(chat, guest.cookie);
    const hub = await connectHub(guest.cookie);
    await room.waitFor(isType("snapshot"));

    expect((await ban(guestId)).status).toBe(200);
    await Promise.all([expectBannedRoom(room, "guest room"), expectBannedHub(hub)]);
  });
});
