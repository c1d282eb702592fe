// Renaming, pinning and deleting conversations, and the titles the room announces live.
import { describe, expect, it } from "vitest";
import {
  connectRoom,
  createConversation,
  eventually,
  storedMessages,
  isType,
  newGuest,
  roomEntry,
  slowPrompt,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

function patch(cookie: string, id: string, body: unknown) {
  return workerFetch(`/api/v1/conversations/${id}`, {
    method: "PATCH",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function listed(cookie: string) {
  const response = await workerFetch("/api/v1/conversations", { headers: { cookie } });
  return (await response.json<{ conversations: Array<{ id: string; title: string; pinned: boolean }> }>())
    .conversations;
}

describe("conversation settings", () => {
  it("renames a conversation and tells every device in its room", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    await device.waitFor(isType("snapshot"));

    const response = await patch(cookie, id, { title: "  Trip to Lisbon  " });
    expect(response.status).toBe(200);
    expect((await response.json<{ conversation: { title: string } }>()).conversation.title).toBe(
      "Trip to Lisbon",
    );
    const frame = await device.waitFor(isType("title"));
    expect(frame.title).toBe("Trip to Lisbon");
    expect((await listed(cookie)).find((c) => c.id === id)?.title).toBe("Trip to Lisbon");
    device.close();
  });

  it("pins and unpins", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    await patch(cookie, id, { pinned: true });
    expect((await listed(cookie)).find((c) => c.id === id)?.pinned).toBe(true);
    await patch(cookie, id, { pinned: false });
    expect((await listed(cookie)).find((c) => c.id === id)?.pinned).toBe(false);
  });

  it("refuses empty, unknown and oversize changes without changing anything", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    for (const body of [{}, { title: "" }, { title: "x".repeat(201) }, { color: "red" }, { pinned: "yes" }]) {
      const response = await patch(cookie, id, body);
      expect(response.status).toBe(400);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe("invalid_request");
    }
    expect((await listed(cookie)).find((c) => c.id === id)).toMatchObject({ title: "", pinned: false });
  });

  it("lets nobody else rename, pin or delete it", async () => {
    const owner = await newGuest();
    const stranger = await newGuest();
    const id = await createConversation(owner);
    expect((await patch(stranger, id, { title: "mine now" })).status).toBe(404);
    const deleted = await workerFetch(`/api/v1/conversations/${id}`, {
      method: "DELETE",
      headers: { cookie: stranger },
    });
    expect(deleted.status).toBe(404);
    expect((await listed(owner)).find((c) => c.id === id)?.title).toBe("");
  });

  it("deletes a conversation: gone from every route, and its devices are told and disconnected", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: slowPrompt(uniqueTag("delete"), 200, 20), model: "gpt-5-mini" });
    await device.waitFor(isType("delta"));
    const closed = new Promise<number>((resolve) =>
      device.socket.addEventListener("close", (e) => resolve(e.code)),
    );

    const response = await workerFetch(`/api/v1/conversations/${id}`, {
      method: "DELETE",
      headers: { cookie },
    });
    expect(response.status).toBe(204);
    await device.waitFor(isType("deleted"));
    expect(await closed).toBe(4404);
    // Its answer stops with the conversation.
    const stored = await eventually(
      () => storedMessages(id),
      (rows) => rows[1]?.status === "stopped",
    );
    expect(stored[1]?.status).toBe("stopped");

    expect((await workerFetch(`/api/v1/conversations/${id}`, { headers: { cookie } })).status).toBe(404);
    expect((await listed(cookie)).some((c) => c.id === id)).toBe(false);
    expect(await roomEntry(id, cookie)).toBe("not_found 4404");
  });
});

describe("a conversation id made by the client", () => {
  const create = (cookie: string, body: unknown) =>
    workerFetch("/api/v1/conversations", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("creates the chat under that id, answers a retry with the same chat, and its room opens", async () => {
    const cookie = await newGuest();
    const id = crypto.randomUUID();
    const first = await create(cookie, { id, model: "gpt-5-mini" });
    expect(first.status).toBe(201);
    expect((await first.json<{ conversation: { id: string } }>()).conversation.id).toBe(id);
    // The request went out twice (a flaky network): one conversation, the same answer.
    const again = await create(cookie, { id, model: "gpt-5-mini" });
    expect(again.status).toBe(201);
    expect((await again.json<{ conversation: { id: string } }>()).conversation.id).toBe(id);
    expect((await listed(cookie)).filter((c) => c.id === id)).toHaveLength(1);

    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: "hello there", model: "gpt-5-mini" });
    await device.waitFor(isType("done"));
    expect((await storedMessages(id)).map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("refuses someone else's id, a deleted chat's id and a malformed id, changing nothing", async () => {
    const owner = await newGuest();
    const other = await newGuest();
    const id = crypto.randomUUID();
    expect((await create(owner, { id })).status).toBe(201);

    const taken = await create(other, { id });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: "conflict" } });
    expect(await listed(other)).toEqual([]);
    expect(await roomEntry(id, other)).toBe("not_found 4404");

    await workerFetch(`/api/v1/conversations/${id}`, { method: "DELETE", headers: { cookie: owner } });
    expect((await create(owner, { id })).status).toBe(409);
    expect((await listed(owner)).some((c) => c.id === id)).toBe(false);

    const malformed = await create(owner, { id: "not-a-uuid" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "invalid_request" } });
  });
});

describe("system prompt", () => {
  it("applies a system prompt changed while the room is open to the very next answer", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    const first = uniqueTag("system-before");
    device.send({ type: "send", content: slowPrompt(first, 3, 1), model: "gpt-5-mini" });
    await device.waitFor(isType("done"));

    expect((await patch(cookie, id, { systemPrompt: "Answer like a pirate." })).status).toBe(200);
    const second = uniqueTag("system-after");
    device.send({ type: "send", content: slowPrompt(second, 3, 1), model: "gpt-5-mini" });
    await device.waitFor((f) => f.type === "done" && device.frames.filter(isType("done")).length === 2);

    const systemOf = async (tag: string) => {
      const [request] = await upstreamRequests(tag);
      const body = request?.body;
      const messages =
        typeof body === "object" && body !== null && "messages" in body && Array.isArray(body.messages)
          ? (body.messages as Array<{ role: string; content: unknown }>)
          : [];
      return messages.find((m) => m.role === "system" || m.role === "developer")?.content ?? null;
    };
    expect(await systemOf(first)).toBeNull();
    expect(await systemOf(second)).toBe("Answer like a pirate.");
    device.close();
  });
});

describe("automatic titles", () => {
  it("titles a new conversation after its first answer and announces it", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: "Plan a weekend in Porto for me", model: "gpt-5-mini" });
    const title = await device.waitFor(isType("title"));
    // The fake upstream answers a title request with `"About <the prompt's first words>."`.
    expect(title.title).toBe("About Plan a weekend");
    expect((await listed(cookie)).find((c) => c.id === id)?.title).toBe(title.title);
    device.close();
  });

  it("never overrides a title the person chose", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    await patch(cookie, id, { title: "My own title" });
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: "Hello", model: "gpt-5-mini" });
    await device.waitFor(isType("done"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(device.frames.some((f) => f.type === "title")).toBe(false);
    expect((await listed(cookie)).find((c) => c.id === id)?.title).toBe("My own title");
    device.close();
  });
});
