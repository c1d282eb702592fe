// Editing a chat: regenerate, edit-and-resend (branches kept and navigable), delete a message,
// continue a stopped answer. Every change reaches every socket in the room.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { slowText } from "../fake-upstream/texts.ts";
import type { ChatMessage } from "#protocol/messages";
import type { ServerFrame } from "#protocol/frames";
import {
  connectRoom,
  createConversation,
  isDoneFor,
  isType,
  newGuest,
  slowPrompt,
  storedMessages,
  uniqueTag,
  upstreamRequests,
  workerFetch,
  type RoomClient,
} from "./helpers";

const MODEL = "gpt-5-mini";

type PathFrame = Extract<ServerFrame, { type: "path" }>;

/** Sends a prompt and waits until its answer is done; returns [user id, assistant id]. */
async function turn(client: RoomClient, content: string): Promise<[string, string]> {
  const seen = client.frames.length;
  client.send({ type: "send", content, model: MODEL });
  const assistant = await client.waitFor(
    (f) => client.frames.indexOf(f) >= seen && f.type === "message" && f.message.role === "assistant",
  );
  if (assistant.type !== "message") throw new Error("unreachable");
  await client.waitFor(isDoneFor(assistant.message.id));
  return [assistant.message.parentId!, assistant.message.id];
}

/** The next `path` frame after the `seen`-th frame. */
function nextPath(client: RoomClient, seen: number): Promise<PathFrame> {
  return client.waitFor(
    (f): f is PathFrame => f.type === "path" && client.frames.indexOf(f) >= seen,
  ) as Promise<PathFrame>;
}

async function shown(cookie: string, id: string): Promise<ChatMessage[]> {
  const response = await workerFetch(`/api/v1/conversations/${id}`, { headers: { cookie } });
  return (await response.json<{ messages: ChatMessage[] }>()).messages;
}

describe("branches", () => {
  it("regenerating an answer keeps both as siblings, streamed to every device", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const [a, b] = [await connectRoom(id, cookie), await connectRoom(id, cookie)];
    const [userId, firstAnswer] = await turn(a, slowPrompt(uniqueTag("regen"), 5, 1));

    const seen = b.frames.length;
    a.send({ type: "regenerate", messageId: firstAnswer });
    const path = await nextPath(b, seen);
    const fresh = path.messages.at(-1)!;
    expect(fresh).toMatchObject({ role: "assistant", status: "streaming", parentId: userId });
    expect(fresh.siblings).toEqual([firstAnswer, fresh.id]);
    await b.waitFor(isDoneFor(fresh.id));
    expect(b.textOf(fresh.id)).toBe(slowText(5));

    const visible = await shown(cookie, id);
    expect(visible.map((m) => m.id)).toEqual([userId, fresh.id]);
    expect((await storedMessages(id)).filter((m) => m.role === "assistant")).toHaveLength(2);
    a.close();
    b.close();
  });

  it("edit-and-resend makes a new branch; switching back shows the old one with its later turns", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const socket = await connectRoom(id, cookie);
    const tag = uniqueTag("edit");
    const [firstPrompt] = await turn(socket, `first ${slowPrompt(tag, 3, 1)}`);
    const [secondPrompt, secondAnswer] = await turn(socket, `second ${slowPrompt(tag, 3, 1)}`);

    const seen = socket.frames.length;
    socket.send({
      type: "edit",
      messageId: firstPrompt,
      content: `edited ${slowPrompt(tag, 4, 1)}`,
      model: MODEL,
    });
    const path = await nextPath(socket, seen);
    expect(path.messages).toHaveLength(2);
    const [editedPrompt, editedAnswer] = path.messages;
    expect(editedPrompt!.content).toContain("edited");
    expect(editedPrompt!.siblings).toEqual([firstPrompt, editedPrompt!.id]);
    await socket.waitFor(isDoneFor(editedAnswer!.id));
    // The model saw only the edited prompt: the old branch is not part of the new context.
    const requests = await upstreamRequests(tag);
    const last = requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.filter((m) => m.role !== "system").map((m) => m.content.split(" ")[0])).toEqual([
      "edited",
    ]);

    const back = socket.frames.length;
    socket.send({ type: "switch_branch", messageId: firstPrompt });
    const old = await nextPath(socket, back);
    expect(old.messages.map((m) => m.id)).toEqual([
      firstPrompt,
      expect.any(String),
      secondPrompt,
      secondAnswer,
    ]);
    expect(old.messages[0]!.siblings).toEqual([firstPrompt, editedPrompt!.id]);
    // The choice is the room's: a device joining now sees the same branch.
    const late = await connectRoom(id, cookie);
    const snapshot = await late.waitFor(isType("snapshot"));
    expect(snapshot.messages.map((m) => m.id)).toEqual(old.messages.map((m) => m.id));
    expect((await shown(cookie, id)).map((m) => m.id)).toEqual(old.messages.map((m) => m.id));
    socket.close();
    late.close();
  });

  it("a deleted message disappears for everyone and leaves the model's context", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const [a, b] = [await connectRoom(id, cookie), await connectRoom(id, cookie)];
    const tag = uniqueTag("delete");
    const [firstPrompt, firstAnswer] = await turn(a, `alpha ${slowPrompt(tag, 3, 1)}`);
    const seen = b.frames.length;
    a.send({ type: "delete_message", messageId: firstAnswer });
    const path = await nextPath(b, seen);
    expect(path.messages.map((m) => m.id)).toEqual([firstPrompt]);
    await turn(a, `beta ${slowPrompt(tag, 3, 1)}`);
    const requests = await upstreamRequests(tag);
    const last = requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.map((m) => m.role)).toEqual(["user", "user"]);
    expect((await shown(cookie, id)).some((m) => m.id === firstAnswer)).toBe(false);
    a.close();
    b.close();
  });

  it("continue carries a stopped answer on in the same message", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const socket = await connectRoom(id, cookie);
    const tag = uniqueTag("continue");
    socket.send({ type: "send", content: slowPrompt(tag, 400, 5), model: MODEL });
    const first = await socket.waitFor(isType("delta"));
    socket.send({ type: "stop", messageId: first.messageId });
    const stopped = await socket.waitFor(isDoneFor(first.messageId));
    expect(stopped.status).toBe("stopped");
    const partial = socket.textOf(first.messageId);
    expect(partial.length).toBeGreaterThan(0);

    const seen = socket.frames.length;
    socket.send({ type: "continue", messageId: first.messageId });
    const done = await socket.waitFor(
      (f) => f.type === "done" && f.messageId === first.messageId && socket.frames.indexOf(f) >= seen,
    );
    if (done.type !== "done") throw new Error("unreachable");
    expect(done.status).toBe("complete");
    const [stored] = (await storedMessages(id)).filter((m) => m.role === "assistant");
    expect(stored!.id).toBe(first.messageId);
    expect(stored!.content.startsWith(partial)).toBe(true);
    expect(stored!.content.length).toBeGreaterThan(partial.length);
    expect(socket.textOf(first.messageId)).toBe(stored!.content);
    socket.close();
  });

  it("refuses edits from watchers and edits of messages that are not on the shown branch", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const socket = await connectRoom(id, owner);
    const [prompt, answer] = await turn(socket, slowPrompt(uniqueTag("refuse"), 3, 1));
    const link = await workerFetch(`/api/v1/conversations/${id}/share`, {
      method: "PUT",
      headers: { cookie: owner, "content-type": "application/json" },
      body: JSON.stringify({ mode: "watch" }),
    });
    const { share } = await link.json<{ share: { token: string } }>();
    const watcher = await connectRoom(id, await newGuest(), `?share=${share.token}`);
    await watcher.waitFor(isType("snapshot"));
    for (const frame of [
      { type: "regenerate", messageId: answer },
      { type: "edit", messageId: prompt, content: "x", model: MODEL },
      { type: "delete_message", messageId: prompt },
      { type: "switch_branch", messageId: prompt },
    ]) {
      watcher.send(frame);
    }
    await watcher.waitFor(
      () => watcher.frames.filter((f) => f.type === "error" && f.code === "forbidden").length === 4,
    );
    socket.send({ type: "regenerate", messageId: prompt });
    await socket.waitFor((f) => f.type === "error" && f.code === "invalid_request");
    socket.send({ type: "edit", messageId: crypto.randomUUID(), content: "x", model: MODEL });
    await socket.waitFor((f) => f.type === "error" && f.code === "not_found");
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE conversation_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(2);
    socket.close();
    watcher.close();
  });
});
