// Background responses, cancel and delete through the real `openai` SDK and the real worker: a
// background call answers at once while its room writes on with nobody listening; cancel is the
// room's Stop (every device sees it) and delete the room's "delete message". Other people's ids
// read as ids that do not exist.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../../worker/room/ConversationRoom";
import { slowText } from "../fake-upstream/texts.ts";
import { apiAccount } from "./api-client";
import {
  connectRoom,
  eventually,
  isDoneFor,
  isType,
  slowPrompt,
  storedMessages,
  uniqueTag,
  upstreamRequests,
} from "./helpers";

const MODEL = "gpt-5-mini";

/** The API streams the room is writing a copy of the answer to (its audience's listeners). */
function roomListeners(conversationId: string): Promise<number> {
  return runInDurableObject(env.ConversationRoom.getByName(conversationId), (room: ConversationRoom) => {
    // Private to the room: read here only to prove nothing is left writing to a gone reader.
    const audience = (room as unknown as { audience: { listeners: Set<unknown> } }).audience;
    return audience.listeners.size;
  });
}

/** Every D1 batch of the room takes `ms` longer, as when D1 is slow to answer. */
function slowD1(conversationId: string, ms: number): Promise<void> {
  const slow = new Proxy(env.DB, {
    get(target, property) {
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) =>
          new Promise((resolve) => setTimeout(resolve, ms)).then(() => target.batch(statements));
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return runInDurableObject(env.ConversationRoom.getByName(conversationId), (room: ConversationRoom) => {
    room.store.outbox.target = slow;
  });
}

async function rowOf(messageId: string) {
  return env.DB.prepare("SELECT status, content, deleted_at FROM messages WHERE id = ?")
    .bind(messageId)
    .first<{ status: string; content: string; deleted_at: number | null }>();
}

const messageIdOf = (responseId: string) => responseId.replace(/^resp_/, "");

/** The answer's text (the SDK adds `output_text` to created and retrieved responses, not to cancel's). */
function answerText(response: OpenAI.Responses.Response): string {
  return response.output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .map((part) => (part.type === "output_text" ? part.text : ""))
    .join("");
}

async function notFound(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.NotFoundError>> {
  const failure = await promise.catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
  return failure as InstanceType<typeof OpenAI.NotFoundError>;
}

describe("background: true", () => {
  it("answers at once in progress; the room writes on unheard, and retrieve follows it to the end", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data: created, response } = await client.responses
      .create({ model: MODEL, input: slowPrompt(uniqueTag("bg"), 100, 20), background: true })
      .withResponse();
    expect(created).toMatchObject({
      object: "response",
      status: "in_progress",
      background: true,
      output: [],
    });
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const messageId = messageIdOf(created.id);
    // Answered before the answer ended, and D1 already has it.
    expect((await rowOf(messageId))?.status).toBe("streaming");
    // Nobody listens, so the room writes no copy of the answer for this call.
    expect(
      await eventually(
        () => roomListeners(conversationId),
        (n) => n === 0,
        1_500,
      ),
    ).toBe(0);

    const running = await eventually(
      () => client.responses.retrieve(created.id),
      (read) => read.output_text.length > 0,
    );
    expect(running.status).toBe("in_progress");
    expect(running.output_text.length).toBeGreaterThan(0);
    expect(slowText(100).startsWith(running.output_text)).toBe(true);
    expect(running.output_text.length).toBeLessThan(slowText(100).length);

    const finished = await eventually(
      () => client.responses.retrieve(created.id),
      (read) => read.status !== "in_progress",
      10_000,
    );
    expect(finished).toMatchObject({ id: created.id, status: "completed", output_text: slowText(100) });
    // The stored answer repeats the call's settings.
    expect(finished.background).toBe(true);
    expect(finished.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("can be retrieved at once even when D1 is slow to take the turn", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data: first, response } = await client.responses
      .create({ model: MODEL, input: "Hello" })
      .withResponse();
    await slowD1(response.headers.get("x-parley-conversation") ?? "", 400);
    const created = await client.responses.create({
      model: MODEL,
      input: slowPrompt(uniqueTag("bg-slow-d1"), 20, 20),
      previous_response_id: first.id,
      background: true,
    });
    const read = await client.responses.retrieve(created.id);
    expect(read).toMatchObject({ id: created.id, status: "in_progress" });
  });

  it("streams as usual with stream: true, marked background", async () => {
    const client = (await apiAccount()).openai();
    const stream = await client.responses.create({
      model: MODEL,
      input: slowPrompt(uniqueTag("bg-stream"), 10, 5),
      background: true,
      stream: true,
    });
    let text = "";
    let created: boolean | undefined;
    let status: string | undefined;
    for await (const event of stream) {
      if (event.type === "response.created") created = event.response.background ?? undefined;
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") status = event.response.status;
    }
    expect(created).toBe(true);
    expect(status).toBe("completed");
    expect(text).toBe(slowText(10));
  });

  it("is refused with store: false, which would leave nothing to retrieve", async () => {
    const client = (await apiAccount()).openai();
    const failure = await client.responses
      .create({ model: MODEL, input: "hi", background: true, store: false })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("background");
  });
});

describe("POST /v1/responses/{id}/cancel", () => {
  it("is Stop: the owner's browser sees it stop, and the response ends cancelled with the text so far", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const tag = uniqueTag("bg-cancel");
    const { data: created, response } = await client.responses
      .create({ model: MODEL, input: slowPrompt(tag, 300, 20), background: true })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const messageId = messageIdOf(created.id);
    const device = await connectRoom(conversationId, account.browser.cookie);
    await device.waitFor(isType("snapshot"));
    await device.waitFor((frame) => frame.type === "delta" && frame.messageId === messageId);
    // Even when D1 is slow, cancel answers only once D1 has the final answer.
    await slowD1(conversationId, 300);

    const cancelled = await client.responses.cancel(created.id);
    expect(await rowOf(messageId)).toMatchObject({ status: "stopped" });
    expect(cancelled).toMatchObject({ id: created.id, status: "cancelled", error: null });
    const partial = answerText(cancelled);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(slowText(300).length);
    expect(slowText(300).startsWith(partial)).toBe(true);

    // The browser saw the room's own Stop, with the same text.
    const done = await device.waitFor(isDoneFor(messageId));
    expect(done.status).toBe("stopped");
    expect(device.textOf(messageId)).toBe(partial);
    const requests = await eventually(
      () => upstreamRequests(tag),
      (logs) => logs.every((log) => log.closedByClient),
    );
    expect(requests[0]?.closedByClient).toBe(true);

    // Stored as stopped; retrieve and a second cancel report the same.
    expect(await rowOf(messageId)).toMatchObject({ status: "stopped", content: partial });
    const read = await client.responses.retrieve(created.id);
    expect(read).toMatchObject({ status: "cancelled", output_text: partial });
    const again = await client.responses.cancel(created.id);
    expect(again.status).toBe("cancelled");
    expect(answerText(again)).toBe(partial);
    device.close();
  });

  it("answers a response that has already finished as it is", async () => {
    const client = (await apiAccount()).openai();
    const created = await client.responses.create({ model: MODEL, input: "Hello" });
    const again = await client.responses.cancel(created.id);
    expect(again).toMatchObject({ id: created.id, status: "completed" });
    expect(answerText(again)).toBe(created.output_text);
  });
});

describe("DELETE /v1/responses/{id}", () => {
  it("deletes the response: retrieve, cancel and continue then find nothing", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data: created, response } = await client.responses
      .create({ model: MODEL, input: "Hello" })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    // Even when D1 is slow, delete answers only once D1 has the deletion.
    await slowD1(conversationId, 300);
    const raw = await client.responses.delete(created.id).asResponse();
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: created.id, object: "response", deleted: true });
    expect((await rowOf(messageIdOf(created.id)))?.deleted_at).not.toBeNull();
    // The app no longer shows it either.
    const shown = await account.browser.fetch(`/api/v1/conversations/${conversationId}`);
    const { messages } = await shown.json<{ messages: Array<{ id: string }> }>();
    expect(messages.map((m) => m.id)).not.toContain(messageIdOf(created.id));

    await notFound(client.responses.retrieve(created.id));
    await notFound(client.responses.cancel(created.id));
    await notFound(client.responses.delete(created.id));
    await notFound(client.responses.create({ model: MODEL, input: "hi", previous_response_id: created.id }));
  });

  it("stops a running response before deleting it, in front of the owner's browser", async () => {
    const account = await apiAccount();
    const client = account.openai();
    const { data: created, response } = await client.responses
      .create({ model: MODEL, input: slowPrompt(uniqueTag("bg-delete"), 300, 20), background: true })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const messageId = messageIdOf(created.id);
    const device = await connectRoom(conversationId, account.browser.cookie);
    await device.waitFor(isType("snapshot"));
    await client.responses.delete(created.id);
    expect((await device.waitFor(isDoneFor(messageId))).status).toBe("stopped");
    const path = await device.waitFor(
      (frame) => frame.type === "path" && !frame.messages.some((m) => m.id === messageId),
    );
    expect(path.type).toBe("path");
    expect(await rowOf(messageId)).toMatchObject({ status: "stopped" });
    expect((await rowOf(messageId))?.deleted_at).not.toBeNull();
    await notFound(client.responses.retrieve(created.id));
    device.close();
  });
});

describe("other people's responses", () => {
  it("cannot be cancelled or deleted: 404, as for an id that does not exist, and nothing changes", async () => {
    const owner = await apiAccount();
    const mine = owner.openai();
    const { data: created, response } = await mine.responses
      .create({ model: MODEL, input: slowPrompt(uniqueTag("bg-theirs"), 40, 20), background: true })
      .withResponse();
    const stranger = (await apiAccount()).openai();
    const unknownId = `resp_${crypto.randomUUID()}`;
    for (const attempt of [
      (id: string) => stranger.responses.cancel(id),
      (id: string) => stranger.responses.delete(id),
    ]) {
      const theirs = await notFound(attempt(created.id));
      const unknown = await notFound(attempt(unknownId));
      expect(theirs.message.replace(created.id, "ID")).toBe(unknown.message.replace(unknownId, "ID"));
    }
    await notFound(mine.responses.cancel(unknownId));
    await notFound(mine.responses.delete("resp_nonsense"));

    // The owner's answer ran to its end and is still there.
    const finished = await eventually(
      () => mine.responses.retrieve(created.id),
      (read) => read.status !== "in_progress",
      10_000,
    );
    expect(finished).toMatchObject({ status: "completed", output_text: slowText(40) });
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    expect((await storedMessages(conversationId)).at(-1)).toMatchObject({ status: "complete" });
  });
});
