// A warm room admits turns from what it keeps in memory (worker/room/turn/facts.ts). Whatever
// changes those facts (an admin's limits, a saved key, spending in another room) reaches an
// open room before the change is confirmed, so the very next turn there follows it.
import { describe, expect, it } from "vitest";
import {
  connectRoom,
  isType,
  slowPrompt,
  uniqueTag,
  upstreamRequests,
  workerFetch,
  type RoomClient,
} from "./helpers";

const ADMIN_TOKEN = "test-admin-token-at-least-32-characters-long";

/** A new account: the cookie header its browser sends. */
async function member(): Promise<{ cookie: string; id: string }> {
  const response = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${uniqueTag("cache")}@example.com`, password: "correct horse battery" }),
  });
  expect(response.status).toBe(200);
  // The sign-up answer sets the new guest session first, then the account's: the last one wins.
  const jar = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    jar.set(pair.slice(0, pair.indexOf("=")), pair);
  }
  const cookie = [...jar.values()].join("; ");
  const session = await workerFetch("/api/v1/session", { headers: { cookie } });
  const { user } = await session.json<{ user: { id: string } }>();
  return { cookie, id: user.id };
}

async function conversation(cookie: string): Promise<{ id: string; room: RoomClient }> {
  const response = await workerFetch("/api/v1/conversations", {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: "{}",
  });
  const { conversation } = await response.json<{ conversation: { id: string } }>();
  const room = await connectRoom(conversation.id, cookie);
  await room.waitFor(isType("snapshot"));
  return { id: conversation.id, room };
}

/** Sends a prompt and waits for its answer's `done`, or the refusal. */
async function turn(room: RoomClient, content: string, model = "parley-demo") {
  const before = room.frames.length;
  room.send({ type: "send", content, model });
  return room.waitFor(
    (frame) => room.frames.indexOf(frame) >= before && (frame.type === "done" || frame.type === "error"),
  );
}

function setLimits(userId: string, limits: Record<string, number | null>) {
  return workerFetch(`/api/v1/admin/users/${userId}/limits`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(limits),
  });
}

describe("what a room keeps for admission", () => {
  it("follows a monthly cap an admin sets while the room is open, from the very next turn", async () => {
    const { cookie, id } = await member();
    const { room } = await conversation(cookie);
    expect((await turn(room, "first", "gpt-5-mini")).type).toBe("done");

    expect((await setLimits(id, { monthlyTokens: 1 })).status).toBe(200);
    const refused = await turn(room, "second", "gpt-5-mini");
    expect(refused).toMatchObject({ type: "error", code: "quota_exhausted" });
    room.close();
  });

  it("counts what the person spent in another room against the quota of an open one", async () => {
    const { cookie, id } = await member();
    // The fake upstream's answer costs 1,323 tokens: one fits under 2,000, two do not.
    expect((await setLimits(id, { monthlyTokens: 2_000 })).status).toBe(200);
    const first = await conversation(cookie);
    const second = await conversation(cookie);
    expect((await turn(first.room, "in the first room", "gpt-5-mini")).type).toBe("done");
    expect((await turn(second.room, "in the second room", "gpt-5-mini")).type).toBe("done");

    const refused = await turn(first.room, "back in the first room", "gpt-5-mini");
    expect(refused).toMatchObject({ type: "error", code: "quota_exhausted" });
    first.room.close();
    second.room.close();
  });

  it("does not count the demo model's answers against the quota of an open room", async () => {
    const { cookie, id } = await member();
    // The fake upstream's answer costs 1,323 tokens: one fits under 2,000, two do not.
    expect((await setLimits(id, { monthlyTokens: 2_000 })).status).toBe(200);
    const { room } = await conversation(cookie);
    expect((await turn(room, "a real model first", "gpt-5-mini")).type).toBe("done");
    // Three demo answers, together more than the 677 tokens left: free, so the room adds nothing.
    for (let i = 0; i < 3; i++) expect((await turn(room, `demo answer ${i}`)).type).toBe("done");
    expect((await turn(room, "a real model again", "gpt-5-mini")).type).toBe("done");
    // The two real answers are over the cap; the demo still answers.
    const refused = await turn(room, "and once more", "gpt-5-mini");
    expect(refused).toMatchObject({ type: "error", code: "quota_exhausted" });
    expect((await turn(room, "the demo again")).type).toBe("done");
    room.close();
  });

  it("uses a key saved while the room is open for the very next answer", async () => {
    const { cookie } = await member();
    const { room } = await conversation(cookie);
    const before = uniqueTag("server-key");
    expect((await turn(room, slowPrompt(before, 2, 1), "gpt-5-mini")).type).toBe("done");

    const saved = await workerFetch("/api/v1/keys/openai", {
      method: "PUT",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ apiKey: "sk-own-key-saved-mid-conversation" }),
    });
    expect(saved.status).toBe(200);
    const after = uniqueTag("own-key");
    expect((await turn(room, slowPrompt(after, 2, 1), "gpt-5-mini")).type).toBe("done");

    const [serverKeyed] = await upstreamRequests(before);
    const [ownKeyed] = await upstreamRequests(after);
    expect(serverKeyed?.headers.authorization).toBe("Bearer sk-test-openai");
    expect(ownKeyed?.headers.authorization).toBe("Bearer sk-own-key-saved-mid-conversation");
    room.close();
  });
});
