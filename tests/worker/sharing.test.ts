// Live share links: watchers see the room live but cannot act; collaborators can; revoking,
// rotating and changing the mode take effect on connected sockets at once.
import { describe, expect, it } from "vitest";
import { slowText } from "../fake-upstream/texts.ts";
import { CLOSE_CODES } from "#protocol/frames";
import type { Share } from "#protocol/sharing";
import {
  connectRoom,
  createConversation,
  isDoneFor,
  isType,
  newGuest,
  roomEntry,
  slowPrompt,
  storedMessages,
  uniqueTag,
  workerFetch,
  type RoomClient,
} from "./helpers";

const MODEL = "gpt-5-mini";

function json(cookie: string, method: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { cookie, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  };
}

async function share(cookie: string, id: string, mode: "watch" | "collaborate"): Promise<Share> {
  const response = await workerFetch(`/api/v1/conversations/${id}/share`, json(cookie, "PUT", { mode }));
  expect([200, 201]).toContain(response.status);
  return (await response.json<{ share: Share }>()).share;
}

/** Sends a prompt from `client` and returns the id of the answer once it is announced. */
async function ask(client: RoomClient, watcher: RoomClient, tag: string, tokens = 30): Promise<string> {
  client.send({ type: "send", content: slowPrompt(tag, tokens, 5), model: MODEL });
  const frame = await watcher.waitFor(
    (f) => f.type === "message" && f.message.role === "assistant" && f.message.status === "streaming",
  );
  if (frame.type !== "message") throw new Error("unreachable");
  return frame.message.id;
}

describe("watch links", () => {
  it("let another person watch the next answer live, byte-equal to D1, but not send or stop", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const link = await share(owner, id, "watch");
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes = 192 bits
    expect(link.path).toBe(`/s/${link.token}`);

    const watcher = await newGuest();
    const info = await workerFetch(`/api/v1/shares/${link.token}`, { headers: { cookie: watcher } });
    expect(await info.json()).toMatchObject({ conversation: { id }, mode: "watch", role: "viewer" });

    const ownerSocket = await connectRoom(id, owner);
    const watchSocket = await connectRoom(id, watcher, `?share=${link.token}`);
    const snapshot = await watchSocket.waitFor(isType("snapshot"));
    expect(snapshot.self.role).toBe("viewer");

    const answerId = await ask(ownerSocket, watchSocket, uniqueTag("watch"));
    // While it streams, the watcher can neither stop it nor send.
    watchSocket.send({ type: "stop" });
    watchSocket.send({ type: "send", content: "me too", model: MODEL });
    await watchSocket.waitFor(
      () => watchSocket.frames.filter((f) => f.type === "error" && f.code === "forbidden").length === 2,
    );
    const done = await watchSocket.waitFor(isDoneFor(answerId));
    expect(done.status).toBe("complete");

    const stored = await storedMessages(id);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(watchSocket.textOf(answerId)).toBe(stored[1]!.content);
    expect(ownerSocket.textOf(answerId)).toBe(stored[1]!.content);
    expect(stored[1]!.content).toBe(slowText(30));
    ownerSocket.close();
    watchSocket.close();
  });

  it("refuse anyone without a valid token for that conversation", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const other = await createConversation(owner);
    const link = await share(owner, other, "watch");
    const stranger = await newGuest();
    expect(await roomEntry(id, stranger, "")).toBe("not_found 4404");
    expect(await roomEntry(id, stranger, "?share=not-a-real-token-at-all-xxxx")).toBe("access_revoked 4403");
    // A real token, but for another conversation.
    expect(await roomEntry(id, stranger, `?share=${link.token}`)).toBe("access_revoked 4403");
    expect(await roomEntry(other, stranger, `?share=${link.token}`)).toBe("entered");
    // A link grants the room, not the owner's controls.
    const rename = await workerFetch(`/api/v1/conversations/${other}?share=${link.token}`, {
      ...json(stranger, "PATCH", { title: "mine now" }),
    });
    expect(rename.status).toBe(404);
    const read = await workerFetch(`/api/v1/conversations/${other}?share=${link.token}`, {
      headers: { cookie: stranger },
    });
    expect(read.status).toBe(200);
    const shareInfo = await workerFetch(`/api/v1/conversations/${other}/share`, {
      headers: { cookie: stranger },
    });
    expect(shareInfo.status).toBe(404);
  });

  it("disconnect current watchers at once when revoked, and refuse them afterwards", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const link = await share(owner, id, "watch");
    const watcher = await newGuest();
    const socket = await connectRoom(id, watcher, `?share=${link.token}`);
    await socket.waitFor(isType("snapshot"));

    const revoke = await workerFetch(`/api/v1/conversations/${id}/share`, json(owner, "DELETE"));
    expect(revoke.status).toBe(204);
    expect((await socket.closed).code).toBe(CLOSE_CODES.accessRevoked);
    expect(await roomEntry(id, watcher, `?share=${link.token}`)).toBe("access_revoked 4403");
    const info = await workerFetch(`/api/v1/shares/${link.token}`, { headers: { cookie: watcher } });
    expect(info.status).toBe(404);
    // The owner keeps full access.
    expect(await roomEntry(id, owner, "")).toBe("entered");
  });

  it("rotate to a new token: the old one stops working, the new one works", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const first = await share(owner, id, "watch");
    const watcher = await newGuest();
    const socket = await connectRoom(id, watcher, `?share=${first.token}`);
    await socket.waitFor(isType("snapshot"));
    const response = await workerFetch(`/api/v1/conversations/${id}/share/rotate`, json(owner, "POST"));
    const { share: second } = await response.json<{ share: Share }>();
    expect(second.token).not.toBe(first.token);
    expect(second.mode).toBe("watch");
    expect((await socket.closed).code).toBe(CLOSE_CODES.accessRevoked);
    expect(await roomEntry(id, watcher, `?share=${first.token}`)).toBe("access_revoked 4403");
    expect(await roomEntry(id, watcher, `?share=${second.token}`)).toBe("entered");
  });

  it("are gone with the conversation", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const link = await share(owner, id, "watch");
    await workerFetch(`/api/v1/conversations/${id}`, json(owner, "DELETE"));
    const info = await workerFetch(`/api/v1/shares/${link.token}`, { headers: { cookie: await newGuest() } });
    expect(info.status).toBe(404);
  });
});

describe("collaborate links", () => {
  it("let a second person send and stop, and everyone sees it", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const link = await share(owner, id, "collaborate");
    const guest = await newGuest();
    const ownerSocket = await connectRoom(id, owner);
    const guestSocket = await connectRoom(id, guest, `?share=${link.token}`);
    expect((await guestSocket.waitFor(isType("snapshot"))).self.role).toBe("editor");

    const tag = uniqueTag("collab");
    const answerId = await ask(guestSocket, ownerSocket, tag, 400);
    const prompt = ownerSocket.frames.find((f) => f.type === "message" && f.message.role === "user");
    expect(prompt?.type === "message" && prompt.message.content).toContain(tag);
    await guestSocket.waitFor((f) => f.type === "delta" && f.messageId === answerId);
    guestSocket.send({ type: "stop", messageId: answerId });
    const done = await ownerSocket.waitFor(isDoneFor(answerId));
    expect(done.status).toBe("stopped");
    const stored = await storedMessages(id);
    expect(stored[1]!.content).toBe(ownerSocket.textOf(answerId));
    expect(stored[1]!.content).toBe(guestSocket.textOf(answerId));
    ownerSocket.close();
    guestSocket.close();
  });

  it("switching the mode reconnects the link's guests with their new role", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const link = await share(owner, id, "watch");
    const guest = await newGuest();
    const before = await connectRoom(id, guest, `?share=${link.token}`);
    await before.waitFor(isType("snapshot"));
    const changed = await share(owner, id, "collaborate");
    expect(changed.token).toBe(link.token);
    expect((await before.closed).code).toBe(CLOSE_CODES.accessChanged);
    const after = await connectRoom(id, guest, `?share=${link.token}`);
    expect((await after.waitFor(isType("snapshot"))).self.role).toBe("editor");
    after.close();
  });
});

describe("presence", () => {
  it("lists each person once with their device count and who is typing", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const link = await share(owner, id, "collaborate");
    const guest = await newGuest();
    const ownerSocket = await connectRoom(id, owner);
    const phone = await connectRoom(id, guest, `?share=${link.token}`);
    const laptop = await connectRoom(id, guest, `?share=${link.token}`);
    const guestSelf = (await laptop.waitFor(isType("snapshot"))).self;

    const both = await ownerSocket.waitFor((f) => f.type === "presence" && f.viewers === 3);
    if (both.type !== "presence") throw new Error("unreachable");
    expect(both.people).toHaveLength(2);
    const guestEntry = both.people.find((p) => p.id === guestSelf.id);
    expect(guestEntry).toMatchObject({ name: "Guest", devices: 2, role: "editor", typing: false });
    // Presence ids are not user ids.
    const session = await workerFetch("/api/v1/session", { headers: { cookie: guest } });
    const { user } = await session.json<{ user: { id: string } }>();
    expect(JSON.stringify(both)).not.toContain(user.id);

    phone.send({ type: "typing", active: true });
    await ownerSocket.waitFor(
      (f) => f.type === "presence" && f.people.some((p) => p.id === guestSelf.id && p.typing),
    );
    phone.close();
    await ownerSocket.waitFor(
      (f) => f.type === "presence" && f.people.some((p) => p.id === guestSelf.id && p.devices === 1),
    );
    ownerSocket.close();
    laptop.close();
  });
});

describe("forking", () => {
  it("copies the shown branch into the viewer's own history, leaving the original alone", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const ownerSocket = await connectRoom(id, owner);
    const tag = uniqueTag("fork");
    ownerSocket.send({ type: "send", content: slowPrompt(tag, 10, 1), model: MODEL });
    await ownerSocket.waitFor(isType("done"));
    const link = await share(owner, id, "watch");

    const viewer = await newGuest();
    const response = await workerFetch(`/api/v1/shares/${link.token}/fork`, json(viewer, "POST"));
    expect(response.status).toBe(201);
    const { conversation } = await response.json<{ conversation: { id: string } }>();
    const list = await workerFetch("/api/v1/conversations", { headers: { cookie: viewer } });
    expect(
      (await list.json<{ conversations: Array<{ id: string }> }>()).conversations.map((c) => c.id),
    ).toEqual([conversation.id]);
    const copy = await workerFetch(`/api/v1/conversations/${conversation.id}`, {
      headers: { cookie: viewer },
    });
    const body = await copy.json<{ messages: Array<{ role: string; content: string }> }>();
    const original = await storedMessages(id);
    expect(body.messages.map((m) => [m.role, m.content])).toEqual(original.map((m) => [m.role, m.content]));
    // The viewer's new chat is theirs: they can write in it; the original did not change.
    expect(await roomEntry(conversation.id, viewer, "")).toBe("entered");
    expect(await storedMessages(id)).toEqual(original);
    ownerSocket.close();
  });
});
