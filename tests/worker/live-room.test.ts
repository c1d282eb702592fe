// The live room: every device sees one generation, whenever it joins, exactly once.
import { describe, expect, it } from "vitest";
import { slowText } from "../fake-upstream/texts.ts";
import {
  connectRoom,
  createConversation,
  isDoneFor,
  isType,
  newGuest,
  slowPrompt,
  storedMessages,
  uniqueTag,
  workerFetch,
  type RoomClient,
} from "./helpers";

const MODEL = "gpt-5-mini";

describe("ConversationRoom fan-out", () => {
  it("streams one answer identically to three sockets and stores it in D1", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const clients = await Promise.all([1, 2, 3].map(() => connectRoom(id, cookie)));
    const tag = uniqueTag("fanout");
    clients[0]!.send({ type: "send", content: slowPrompt(tag, 40, 5), model: MODEL, clientId: "c1" });

    const assistant = await clients[1]!.waitFor(
      (f) => f.type === "message" && f.message.role === "assistant",
    );
    if (assistant.type !== "message") throw new Error("unreachable");
    const messageId = assistant.message.id;
    const dones = await Promise.all(clients.map((client) => client.waitFor(isDoneFor(messageId))));

    const expected = slowText(40);
    for (const client of clients) expect(client.textOf(messageId)).toBe(expected);
    for (const done of dones) {
      expect(done.status).toBe("complete");
      expect(done.length).toBe(expected.length);
      expect(done.usage?.outputTokens).toBeGreaterThan(0);
    }
    // The sender's optimistic message is matched by its clientId.
    const echoed = clients[0]!.frames.find((f) => f.type === "message" && f.message.role === "user");
    expect(echoed?.type === "message" && echoed.clientId).toBe("c1");

    const stored = await storedMessages(id);
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored[1]!.content).toBe(expected);
    clients.forEach((c) => c.close());
  });

  it("coalesces a fast stream into far fewer frames than tokens", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const client = await connectRoom(id, cookie);
    client.send({ type: "send", content: slowPrompt(uniqueTag("burst"), 1000, 0), model: MODEL });
    const done = await client.waitFor(isType("done"));
    const deltas = client.frames.filter(isType("delta"));
    expect(client.textOf(done.messageId)).toBe(slowText(1000));
    expect(deltas.length).toBeLessThan(200);
    client.close();
  });

  it("gives a socket that joins mid-stream the text so far once, then the rest", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const first = await connectRoom(id, cookie);
    first.send({ type: "send", content: slowPrompt(uniqueTag("join"), 80, 15), model: MODEL });
    const delta = await first.waitFor(isType("delta"));
    await first.waitFor((f) => f.type === "delta" && f.offset > 40);

    const late = await connectRoom(id, cookie);
    const snapshot = await late.waitFor(isType("snapshot"));
    expect(snapshot.live?.messageId).toBe(delta.messageId);
    expect(snapshot.live?.offset).toBe(0);
    expect(snapshot.live?.text.length).toBeGreaterThan(40);
    expect(snapshot.messages.map((m) => m.role)).toEqual(["user", "assistant"]);

    const done = await late.waitFor(isDoneFor(delta.messageId));
    expect(late.textOf(delta.messageId)).toBe(slowText(80));
    expect(done.length).toBe(slowText(80).length);
    // Everything the late socket received adds up to the text exactly once.
    const received =
      (snapshot.live?.text.length ?? 0) +
      late.frames.filter(isType("delta")).reduce((sum, f) => sum + f.text.length, 0);
    expect(received).toBe(slowText(80).length);
    first.close();
    late.close();
  });

  it("sends a reconnecting socket only the text it missed", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const watcher = await connectRoom(id, cookie);
    watcher.send({ type: "send", content: slowPrompt(uniqueTag("resume"), 80, 15), model: MODEL });
    const delta = await watcher.waitFor((f) => f.type === "delta" && f.offset > 20);
    if (delta.type !== "delta") throw new Error("unreachable");
    const heldText = watcher.textOf(delta.messageId);
    const held = heldText.length;

    const back = await connectRoom(id, cookie, `?resume=${delta.messageId}&offset=${held}`, {
      [delta.messageId]: heldText,
    });
    const snapshot = await back.waitFor(isType("snapshot"));
    expect(snapshot.live?.offset).toBe(held);
    await back.waitFor(isDoneFor(delta.messageId));
    const full = slowText(80);
    const sent =
      (snapshot.live?.text ?? "") +
      back.frames
        .filter(isType("delta"))
        .map((f) => f.text)
        .join("");
    expect(full.slice(0, held) + sent).toBe(full);
    expect(back.textOf(delta.messageId)).toBe(full);
    watcher.close();
    back.close();
  });

  it("answers a resume frame with everything from the asked offset, live or finished", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const client = await connectRoom(id, cookie);
    client.send({ type: "send", content: slowPrompt(uniqueTag("gap"), 60, 15), model: MODEL });
    const first = await client.waitFor((f) => f.type === "delta" && f.offset > 10);
    if (first.type !== "delta") throw new Error("unreachable");
    const deltasBefore = client.frames.filter(isType("delta")).length;

    client.send({ type: "resume", messageId: first.messageId, offset: 3 });
    const answer = await client.waitFor(
      (f) => f.type === "delta" && f.offset === 3 && client.frames.indexOf(f) >= deltasBefore,
    );
    if (answer.type !== "delta") throw new Error("unreachable");
    expect(slowText(60).slice(3).startsWith(answer.text)).toBe(true);
    expect(answer.text.length).toBeGreaterThan(first.offset - 3);

    await client.waitFor(isDoneFor(first.messageId));
    client.send({ type: "resume", messageId: first.messageId, offset: 0 });
    const stored = await client.waitFor(
      (f) => f.type === "message" && f.message.id === first.messageId && f.message.status === "complete",
    );
    expect(stored.type === "message" && stored.message.content).toBe(slowText(60));
    client.close();
  });

  it("refuses a second prompt while an answer is streaming", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const client = await connectRoom(id, cookie);
    client.send({ type: "send", content: slowPrompt(uniqueTag("busy"), 40, 10), model: MODEL });
    await client.waitFor(isType("delta"));
    client.send({ type: "send", content: "and another", model: MODEL });
    const error = await client.waitFor(isType("error"));
    expect(error.code).toBe("conversation_busy");
    await client.waitFor(isType("done"));
    expect((await storedMessages(id)).length).toBe(2);
    client.close();
  });
});

/** A device that holds the conversation: it was here for the snapshot and every frame since. */
async function heldState(device: RoomClient) {
  await device.waitFor(isType("snapshot"));
  const version = device.version();
  if (version === null) throw new Error("no version after the snapshot");
  return version;
}

describe("ConversationRoom reconnects that quote the room version", () => {
  it("sends a device that missed only text a compact frame with exactly that text", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const watcher = await connectRoom(id, cookie);
    const device = await connectRoom(id, cookie);
    await heldState(device);
    watcher.send({ type: "send", content: slowPrompt(uniqueTag("compact"), 80, 15), model: MODEL });
    const delta = await device.waitFor((f) => f.type === "delta" && f.offset > 10);
    if (delta.type !== "delta") throw new Error("unreachable");
    const heldText = device.textOf(delta.messageId);
    const version = device.version();
    device.close();
    // Away while a few more tokens stream.
    await watcher.waitFor((f) => f.type === "delta" && f.offset > heldText.length + 10);

    const query = `?resume=${delta.messageId}&offset=${heldText.length}&version=${version}`;
    const back = await connectRoom(id, cookie, query, { [delta.messageId]: heldText });
    const first = await back.waitFor(() => true);
    if (first.type !== "resumed") throw new Error(`expected resumed, got ${first.type}`);
    const full = slowText(80);
    expect(first.offset).toBe(heldText.length);
    expect(first.text.length).toBeGreaterThan(10);
    expect(full.slice(heldText.length).startsWith(first.text)).toBe(true);
    // It costs little more than the text itself: no message list, no repeated ids.
    expect(back.raw[0]!.length - first.text.length).toBeLessThanOrEqual(90);
    // Who is here still follows in its own frame; no message list is sent again.
    await back.waitFor(isType("presence"));
    await back.waitFor(isDoneFor(delta.messageId));
    expect(back.frames.some(isType("snapshot"))).toBe(false);
    expect(back.textOf(delta.messageId)).toBe(full);
    watcher.close();
    back.close();
  });

  it("sends the full snapshot to a device that missed the end of the answer", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const watcher = await connectRoom(id, cookie);
    const device = await connectRoom(id, cookie);
    await heldState(device);
    device.send({ type: "send", content: slowPrompt(uniqueTag("ended"), 30, 10), model: MODEL });
    const delta = await device.waitFor((f) => f.type === "delta" && f.offset > 5);
    if (delta.type !== "delta") throw new Error("unreachable");
    const heldText = device.textOf(delta.messageId);
    const version = device.version();
    device.close();
    // Only deltas and `done` go out while it is away.
    await watcher.waitFor(isDoneFor(delta.messageId));

    const query = `?resume=${delta.messageId}&offset=${heldText.length}&version=${version}`;
    const back = await connectRoom(id, cookie, query, { [delta.messageId]: heldText });
    const snapshot = await back.waitFor(isType("snapshot"));
    expect(back.frames[0]).toBe(snapshot);
    expect(snapshot.live).toBeNull();
    const answer = snapshot.messages.find((m) => m.id === delta.messageId);
    expect([answer?.status, answer?.content]).toEqual(["complete", slowText(30)]);
    watcher.close();
    back.close();
  });

  it("sends the full snapshot to a device that missed a message, a title or a restart", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    const version = await heldState(device);
    device.close();

    // Nothing happened meanwhile: the compact frame, with no text.
    const quiet = await connectRoom(id, cookie, `?version=${version}`);
    const first = await quiet.waitFor(() => true);
    expect(first).toMatchObject({ type: "resumed", text: "" });
    quiet.close();

    // A version from another run of the room (or made up) is never trusted.
    const stranger = await connectRoom(id, cookie, `?version=0123456789ab.0`);
    expect((await stranger.waitFor(() => true)).type).toBe("snapshot");
    stranger.close();

    await workerFetch(`/api/v1/conversations/${id}`, {
      method: "PATCH",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ title: "Renamed while away" }),
    });
    const renamed = await connectRoom(id, cookie, `?version=${version}`);
    const afterTitle = await renamed.waitFor(() => true);
    expect(afterTitle).toMatchObject({ type: "snapshot", title: "Renamed while away" });
    const titled = renamed.version();
    renamed.close();

    const sender = await connectRoom(id, cookie);
    sender.send({ type: "send", content: slowPrompt(uniqueTag("missed"), 20, 5), model: MODEL });
    await sender.waitFor(isType("done"));
    const back = await connectRoom(id, cookie, `?version=${titled}`);
    const afterMessages = await back.waitFor(() => true);
    if (afterMessages.type !== "snapshot") throw new Error(`expected snapshot, got ${afterMessages.type}`);
    expect(afterMessages.messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    sender.close();
    back.close();
  });
});
