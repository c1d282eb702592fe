// UserHub: every device of a person hears about changes to their history at once, without polling.
import { describe, expect, it } from "vitest";
import type { HubFrame } from "#protocol/hub";
import { connectHub } from "./hub-client";
import { connectRoom, isType, newGuest, slowPrompt, uniqueTag, workerFetch } from "./helpers";

/** Two devices of one signed-in person: sign up in one browser, sign in from another. */
async function twoDevices(): Promise<[string, string]> {
  const laptop = await newGuest();
  const email = `hub-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const signup = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: laptop, "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  expect(signup.status).toBe(200);
  const signin = await workerFetch("/api/v1/auth/signin", {
    method: "POST",
    headers: { cookie: await newGuest(), "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  expect(signin.status).toBe(200);
  const cookieOf = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .filter((c) => !c.endsWith("="))
      .join("; ");
  return [cookieOf(signup), cookieOf(signin)];
}

const isConversation =
  (id: string, check: (title: string) => boolean = () => true) =>
  (frame: HubFrame) =>
    frame.type === "conversation" && frame.conversation.id === id && check(frame.conversation.title);

describe("UserHub", () => {
  it("pushes new, renamed and deleted conversations to the person's other device", async () => {
    const [laptop, phone] = await twoDevices();
    const phoneHub = await connectHub(phone);
    await phoneHub.waitFor((f) => f.type === "hello");

    const created = await workerFetch("/api/v1/conversations", {
      method: "POST",
      headers: { cookie: laptop, "content-type": "application/json" },
      body: "{}",
    });
    const { conversation } = await created.json<{ conversation: { id: string } }>();
    await phoneHub.waitFor(isConversation(conversation.id));

    await workerFetch(`/api/v1/conversations/${conversation.id}`, {
      method: "PATCH",
      headers: { cookie: laptop, "content-type": "application/json" },
      body: JSON.stringify({ title: "Trip to Lisbon", pinned: true }),
    });
    const renamed = await phoneHub.waitFor(isConversation(conversation.id, (t) => t === "Trip to Lisbon"));
    expect(renamed.type === "conversation" && renamed.conversation.pinned).toBe(true);

    await workerFetch(`/api/v1/conversations/${conversation.id}`, {
      method: "DELETE",
      headers: { cookie: laptop },
    });
    await phoneHub.waitFor((f) => f.type === "conversation_deleted" && f.id === conversation.id);
    phoneHub.close();
  });

  it("pushes a conversation that got a new message, and tells nobody else", async () => {
    const [laptop, phone] = await twoDevices();
    const stranger = await newGuest();
    const [phoneHub, strangerHub] = [await connectHub(phone), await connectHub(stranger)];
    const created = await workerFetch("/api/v1/conversations", {
      method: "POST",
      headers: { cookie: laptop, "content-type": "application/json" },
      body: "{}",
    });
    const { conversation } = await created.json<{ conversation: { id: string; updatedAt: number } }>();
    await phoneHub.waitFor(isConversation(conversation.id));
    const room = await connectRoom(conversation.id, laptop);
    room.send({
      type: "send",
      content: `Plan a week ${slowPrompt(uniqueTag("hub"), 3, 1)}`,
      model: "gpt-5-mini",
    });
    await room.waitFor(isType("done"));
    // The first prompt gives the conversation its provisional title.
    await phoneHub.waitFor(isConversation(conversation.id, (t) => t.startsWith("Plan a week")));
    expect(strangerHub.frames.filter((f) => f.type !== "hello")).toEqual([]);
    room.close();
    phoneHub.close();
    strangerHub.close();
  });

  it("greets every (re)connect with hello so an offline device refetches its list", async () => {
    const guest = await newGuest();
    const first = await connectHub(guest);
    await first.waitFor((f) => f.type === "hello");
    first.close();
    const again = await connectHub(guest);
    await again.waitFor((f) => f.type === "hello");
    again.close();
  });
});

describe("concurrent sends", () => {
  it("serializes two devices sending at once: one answer streams, the other is told the room is busy", async () => {
    const cookie = await newGuest();
    const created = await workerFetch("/api/v1/conversations", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: "{}",
    });
    const { conversation } = await created.json<{ conversation: { id: string } }>();
    const [a, b] = [await connectRoom(conversation.id, cookie), await connectRoom(conversation.id, cookie)];
    const tag = uniqueTag("race");
    a.send({ type: "send", content: `from a ${slowPrompt(tag, 20, 2)}`, model: "gpt-5-mini" });
    b.send({ type: "send", content: `from b ${slowPrompt(tag, 20, 2)}`, model: "gpt-5-mini" });
    const busy = await Promise.race([
      a.waitFor((f) => f.type === "error" && f.code === "conversation_busy").then(() => "a"),
      b.waitFor((f) => f.type === "error" && f.code === "conversation_busy").then(() => "b"),
    ]);
    const done = await a.waitFor(isType("done"));
    await b.waitFor(isType("done"));
    const stored = await workerFetch(`/api/v1/conversations/${conversation.id}`, { headers: { cookie } });
    const { messages } = await stored.json<{
      messages: Array<{ id: string; role: string; content: string }>;
    }>();
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(messages[0]!.content.startsWith(busy === "a" ? "from b" : "from a")).toBe(true);
    // Every device ends with exactly D1's text: no interleaving, no duplicates.
    expect(a.textOf(done.messageId)).toBe(messages[1]!.content);
    expect(b.textOf(done.messageId)).toBe(messages[1]!.content);
    a.close();
    b.close();
  });
});
