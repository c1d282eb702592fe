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
