// The room is durable in its own storage first and D1 follows through an outbox: when D1 fails
// during a turn the answer still streams to every device, and its rows reach D1 exactly once
// when D1 is back.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../../worker/room/ConversationRoom";
import { slowText } from "../fake-upstream/texts.ts";
import {
  connectRoom,
  createConversation,
  eventually,
  isDoneFor,
  isType,
  newGuest,
  slowPrompt,
  storedMessages,
  uniqueTag,
} from "./helpers";

const MODEL = "gpt-5-mini";

/** The D1 binding with every batch failing, as when D1 is unreachable for writes. */
const brokenD1 = new Proxy(env.DB, {
  get(target, property) {
    if (property === "batch") return () => Promise.reject(new Error("D1_ERROR: injected outage"));
    const value: unknown = Reflect.get(target, property);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

function setD1(conversationId: string, d1: D1Database): Promise<void> {
  const stub = env.ConversationRoom.getByName(conversationId);
  return runInDurableObject(stub, (room: ConversationRoom) => {
    room.store.outbox.target = d1;
  });
}

function pendingWrites(conversationId: string): Promise<number> {
  const stub = env.ConversationRoom.getByName(conversationId);
  return runInDurableObject(stub, (room: ConversationRoom) => room.store.outbox.size);
}

describe("D1 failing during a turn", () => {
  it("streams the whole answer, then writes it to D1 once D1 is back", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const sender = await connectRoom(id, cookie);
    const watcher = await connectRoom(id, cookie);
    sender.send({ type: "send", content: slowPrompt(uniqueTag("outbox"), 60, 10), model: MODEL });
    const first = await watcher.waitFor(isType("delta"));

    await setD1(id, brokenD1);
    const done = await watcher.waitFor(isDoneFor(first.messageId));
    expect(done.status).toBe("complete");
    expect(watcher.textOf(first.messageId)).toBe(slowText(60));
    expect(sender.textOf(first.messageId)).toBe(slowText(60));

    // D1 really missed the end: the answer is still `streaming` there, and the room holds it.
    const during = await storedMessages(id);
    expect(during.find((m) => m.id === first.messageId)?.status).toBe("streaming");
    expect(await pendingWrites(id)).toBeGreaterThan(0);

    await setD1(id, env.DB);
    const after = await eventually(
      () => storedMessages(id),
      (rows) => rows.some((m) => m.id === first.messageId && m.status === "complete"),
    );
    expect(after.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(after[1]?.content).toBe(slowText(60));
    expect(await pendingWrites(id)).toBe(0);
    sender.close();
    watcher.close();
  });

  it("keeps a whole turn that D1 never saw, and stores each of its rows once", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const client = await connectRoom(id, cookie);
    await client.waitFor(isType("snapshot"));
    await setD1(id, brokenD1);

    client.send({ type: "send", content: slowPrompt(uniqueTag("outbox-all"), 20, 5), model: MODEL });
    const first = await client.waitFor(isType("delta"));
    const done = await client.waitFor(isDoneFor(first.messageId));
    expect(done.status).toBe("complete");
    expect(await storedMessages(id)).toEqual([]);

    // A device joining now gets the answer from the room, not from D1.
    const late = await connectRoom(id, cookie);
    const snapshot = await late.waitFor(isType("snapshot"));
    expect(snapshot.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(snapshot.messages[1]?.content).toBe(slowText(20));

    await setD1(id, env.DB);
    const stored = await eventually(
      () => storedMessages(id),
      (rows) => rows.length === 2 && rows[1]?.status === "complete",
    );
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(stored[1]?.content).toBe(slowText(20));
    client.close();
    late.close();
  });

  it("leaves nothing behind when the room is evicted with writes still queued", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const client = await connectRoom(id, cookie);
    await client.waitFor(isType("snapshot"));
    await setD1(id, brokenD1);
    client.send({ type: "send", content: slowPrompt(uniqueTag("outbox-evicted"), 10, 5), model: MODEL });
    const first = await client.waitFor(isType("delta"));
    await client.waitFor(isDoneFor(first.messageId));
    expect(await pendingWrites(id)).toBeGreaterThan(0);

    // A new instance (with the real D1) finds the queue in its storage and sends it.
    await abortAllDurableObjects();
    const stored = await eventually(
      () => storedMessages(id),
      (rows) => rows.length === 2 && rows[1]?.status === "complete",
    );
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored[1]?.content).toBe(slowText(10));
    client.close();
  });
});
