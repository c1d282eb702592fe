// Stop from any device cancels the upstream call; a restart never leaves an answer `streaming`.
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
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
  upstreamRequests,
} from "./helpers";

const MODEL = "gpt-5-mini";

describe("Stop", () => {
  it("from a second socket aborts the upstream and keeps the partial text as stopped", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const sender = await connectRoom(id, cookie);
    const other = await connectRoom(id, cookie);
    const tag = uniqueTag("stop");
    sender.send({ type: "send", content: slowPrompt(tag, 400, 20), model: MODEL });
    const delta = await other.waitFor((f) => f.type === "delta" && f.offset > 30);
    if (delta.type !== "delta") throw new Error("unreachable");

    other.send({ type: "stop", messageId: delta.messageId });
    const done = await sender.waitFor(isDoneFor(delta.messageId));
    expect(done.status).toBe("stopped");
    expect(done.finishReason).toBe("stopped");

    const partial = sender.textOf(delta.messageId);
    expect(partial.length).toBe(done.length);
    expect(partial.length).toBeGreaterThan(30);
    expect(partial.length).toBeLessThan(slowText(400).length);
    expect(slowText(400).startsWith(partial)).toBe(true);
    expect(other.textOf(delta.messageId)).toBe(partial);

    const [, assistant] = await storedMessages(id);
    expect(assistant?.status).toBe("stopped");
    expect(assistant?.content).toBe(partial);

    const requests = await eventually(
      () => upstreamRequests(tag),
      (logs) => logs.every((r) => r.closedByClient),
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]!.closedByClient).toBe(true);
    expect(requests[0]!.finished).toBe(false);
    sender.close();
    other.close();
  });
});

describe("Restart mid-generation", () => {
  it("leaves the answer interrupted with the text checkpointed, never streaming", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const client = await connectRoom(id, cookie);
    client.send({ type: "send", content: slowPrompt(uniqueTag("restart"), 400, 10), model: MODEL });
    const delta = await client.waitFor(isType("delta"));
    // Give the room time for at least one checkpoint (every two seconds).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const seen = client.textOf(delta.messageId);

    await abortAllDurableObjects();

    const again = await connectRoom(id, cookie);
    const snapshot = await again.waitFor(isType("snapshot"));
    expect(snapshot.live).toBeNull();
    const message = snapshot.messages.find((m) => m.id === delta.messageId);
    expect(message?.status).toBe("interrupted");
    expect(message?.content.length).toBeGreaterThan(0);
    expect(slowText(400).startsWith(message?.content ?? "x")).toBe(true);
    expect(seen.length).toBeGreaterThan(0);

    const [, stored] = await storedMessages(id);
    expect(stored?.status).toBe("interrupted");
    expect(stored?.content).toBe(message?.content);
    again.close();
  });
});
