// Output moderation: answers are checked a window at a time while they stream. The fake
// moderation endpoint flags any text with `[[flag:…]]`; the `moderated` case streams sentences of
// 100–200 characters, so with windows of 100 characters each sentence is one window.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerFrame } from "#protocol/frames";
import type { OutputModerationInput } from "#protocol/admin";
import { moderatedSentences, moderatedText } from "../fake-upstream/texts.ts";
import { WITHHELD_NOTICE } from "../../worker/moderation/output";
import { apiAccount } from "./api-client";
import {
  connectRoom,
  createConversation,
  eventually,
  isType,
  newGuest,
  storedMessages,
  uniqueTag,
  upstreamRequests,
  workerFetch,
  type RoomClient,
} from "./helpers";

const MODEL = "gpt-5-mini";

function setPolicy(policy: OutputModerationInput): Promise<Response> {
  return workerFetch("/api/v1/admin/settings/output-moderation", {
    method: "PUT",
    headers: {
      authorization: "Bearer test-admin-token-at-least-32-characters-long",
      "content-type": "application/json",
    },
    body: JSON.stringify(policy),
  });
}

async function usePolicy(policy: OutputModerationInput): Promise<void> {
  const response = await setPolicy(policy);
  expect(response.status).toBe(200);
}

/** What the fake moderation endpoint was asked about this answer (its prompt is not counted). */
async function moderationCalls(tag: string): Promise<string[]> {
  const response = await fetch(
    `${env.FAKE_UPSTREAM_URL}/__control/moderations?contains=${encodeURIComponent(`answer ${tag}`)}`,
  );
  return (await response.json<{ inputs: string[] }>()).inputs;
}

interface OutputEvent {
  message_id: string | null;
  direction: string;
  action: string;
  check_name: string;
  category: string;
  excerpt: string;
}

async function outputEvents(conversationId: string): Promise<OutputEvent[]> {
  const { results } = await env.DB.prepare(
    `SELECT message_id, direction, action, "check" AS check_name, category, excerpt
       FROM moderation_events WHERE conversation_id = ? AND direction = 'output'`,
  )
    .bind(conversationId)
    .all<OutputEvent>();
  return results;
}

const prompt = (tag: string, flag: number, sentences = 6) =>
  `Tell me about home [[case:moderated sentences=${sentences} flag=${flag} delay=15 tag=${tag}]]`;

/**
 * Two devices in one room; the first sends the prompt. Resolves with the answer's id and `done`s.
 * An answer meant to stop runs on long after its flagged sentence, so the verdict has time to
 * arrive before the provider would have finished on its own, even on a busy machine.
 */
async function askInRoom(tag: string, flag: number, sentences = 6) {
  const cookie = await newGuest();
  const conversationId = await createConversation(cookie);
  const devices = [await connectRoom(conversationId, cookie), await connectRoom(conversationId, cookie)];
  devices[0]!.send({ type: "send", content: prompt(tag, flag, sentences), model: MODEL });
  const answer = await devices[0]!.waitFor(
    (frame): frame is Extract<ServerFrame, { type: "message" }> =>
      frame.type === "message" && frame.message.role === "assistant",
  );
  const messageId = answer.message.id;
  const dones = await Promise.all(
    devices.map((device) =>
      device.waitFor((frame) => frame.type === "done" && frame.messageId === messageId, 15_000),
    ),
  );
  return { cookie, conversationId, devices, messageId, dones };
}

/** The last `message` frame a device got for the answer: what replaces what it held. */
function finalMessageOn(device: RoomClient, messageId: string) {
  return device.frames
    .filter(isType("message"))
    .filter((frame) => frame.message.id === messageId)
    .at(-1)?.message;
}

afterEach(async () => {
  await usePolicy({ mode: "off" });
});

describe("output moderation", () => {
  it("stops an answer at the flagged third window on every socket and in D1, keeping the text so far", async () => {
    // The model's own mode beats the global one.
    await usePolicy({ mode: "off", models: { [MODEL]: "stop" }, onStop: "keep", windowChars: 100 });
    const tag = uniqueTag("outmod-stop");
    const { cookie, conversationId, devices, messageId, dones } = await askInRoom(tag, 3, 14);
    const kept = moderatedSentences(3, 3, tag).join(" ");

    for (const [index, device] of devices.entries()) {
      expect(dones[index]).toMatchObject({
        status: "complete",
        finishReason: "content_filter",
        length: kept.length,
      });
      // The text streamed to this device up to the verdict, and then the answer as stored.
      expect(device.textOf(messageId).startsWith(kept)).toBe(true);
      expect(finalMessageOn(device, messageId)).toMatchObject({
        content: kept,
        status: "complete",
        finishReason: "content_filter",
      });
    }
    const stored = (await storedMessages(conversationId)).find((row) => row.id === messageId);
    expect(stored).toMatchObject({ status: "complete", finish_reason: "content_filter", content: kept });

    // Three windows were checked, one call each; nothing after the flagged one.
    expect(await moderationCalls(tag)).toHaveLength(3);
    // The provider was cut off: the rest of the answer was never asked for.
    // (The fake upstream notes the closed connection when its socket says so, a moment after.)
    const [request] = await eventually(
      () => upstreamRequests(tag),
      ([first]) => first?.closedByClient === true,
    );
    expect(request?.closedByClient).toBe(true);
    expect(await outputEvents(conversationId)).toEqual([
      {
        message_id: messageId,
        direction: "output",
        action: "stopped",
        check_name: "openai_moderation",
        category: "violence",
        excerpt: expect.stringContaining("Part 3 of answer") as unknown as string,
      },
    ]);

    // A device that joins later sees the stored answer.
    const late = await connectRoom(conversationId, cookie);
    const snapshot = await late.waitFor(isType("snapshot"));
    expect(snapshot.messages.find((message) => message.id === messageId)?.content).toBe(kept);
    late.close();
    for (const device of devices) device.close();
  });

  it("withholds the text when the operator chose so: a notice replaces it everywhere", async () => {
    await usePolicy({ mode: "stop", onStop: "withhold", windowChars: 100 });
    const tag = uniqueTag("outmod-withhold");
    const { conversationId, devices, messageId, dones } = await askInRoom(tag, 3, 14);

    for (const [index, device] of devices.entries()) {
      expect(dones[index]).toMatchObject({
        finishReason: "content_filter",
        length: WITHHELD_NOTICE.length,
        reasoningLength: 0,
      });
      expect(finalMessageOn(device, messageId)).toMatchObject({
        content: WITHHELD_NOTICE,
        finishReason: "content_filter",
      });
      device.close();
    }
    const stored = (await storedMessages(conversationId)).find((row) => row.id === messageId);
    expect(stored).toMatchObject({ finish_reason: "content_filter", content: WITHHELD_NOTICE });
    expect((await outputEvents(conversationId)).map((event) => event.action)).toEqual(["stopped"]);
  });

  it("under flag, records the flagged window and lets the answer finish", async () => {
    await usePolicy({ mode: "flag", windowChars: 100 });
    const tag = uniqueTag("outmod-flag");
    const { conversationId, devices, messageId, dones } = await askInRoom(tag, 3);
    const full = moderatedText(6, 3, tag);

    for (const [index, device] of devices.entries()) {
      expect(dones[index]).toMatchObject({ status: "complete", finishReason: "stop", length: full.length });
      expect(device.textOf(messageId)).toBe(full);
      device.close();
    }
    expect((await storedMessages(conversationId)).find((row) => row.id === messageId)).toMatchObject({
      finish_reason: "stop",
      content: full,
    });
    // Every window is checked, the last one (no sentence follows it) when the answer ends.
    expect(
      (
        await eventually(
          () => moderationCalls(tag),
          (calls) => calls.length >= 6,
        )
      ).length,
    ).toBe(6);
    const events = await eventually(
      () => outputEvents(conversationId),
      (rows) => rows.length > 0,
    );
    expect(events).toEqual([
      expect.objectContaining({ message_id: messageId, action: "flagged", category: "violence" }),
    ]);
  });

  it("under off, asks no moderation at all", async () => {
    // The model's own `off` beats a global `stop`.
    await usePolicy({ mode: "stop", models: { [MODEL]: "off" }, windowChars: 100 });
    const tag = uniqueTag("outmod-off");
    const { conversationId, devices, messageId, dones } = await askInRoom(tag, 3);
    for (const done of dones) expect(done).toMatchObject({ finishReason: "stop" });
    for (const device of devices) device.close();
    expect((await storedMessages(conversationId)).find((row) => row.id === messageId)?.content).toBe(
      moderatedText(6, 3, tag),
    );
    // Give a stray check the time to arrive before concluding there was none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await moderationCalls(tag)).toEqual([]);
    expect(await outputEvents(conversationId)).toEqual([]);
  });

  it("ends a compatible API answer with the provider-style content filter finish", async () => {
    await usePolicy({ mode: "stop", windowChars: 100 });
    const account = await apiAccount();
    const openaiTag = uniqueTag("outmod-openai");
    const completion = await account.openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: prompt(openaiTag, 2) }],
    });
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");

    const anthropicTag = uniqueTag("outmod-anthropic");
    const message = await account.anthropic().messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: "user", content: prompt(anthropicTag, 2) }],
    });
    expect(message.stop_reason).toBe("refusal");

    const responsesTag = uniqueTag("outmod-responses");
    const response = await account
      .openai()
      .responses.create({ model: MODEL, input: prompt(responsesTag, 2) });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details?.reason).toBe("content_filter");
  });

  it("refuses a policy that does not fit, and audits a change", async () => {
    const bad = await setPolicy({ mode: "block" as "stop" });
    expect(bad.status).toBe(400);
    const tiny = await setPolicy({ mode: "flag", windowChars: 10 });
    expect(tiny.status).toBe(400);
    await usePolicy({ mode: "flag", models: { [MODEL]: "stop" } });
    const view = await workerFetch("/api/v1/admin/settings/output-moderation", {
      headers: { authorization: "Bearer test-admin-token-at-least-32-characters-long" },
    });
    expect(await view.json()).toEqual({
      policy: { mode: "flag", models: { [MODEL]: "stop" }, onStop: "keep", windowChars: 600 },
      checks: ["blocklist", "openai_moderation"],
    });
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'settings.output_moderation'",
    ).first<{ n: number }>();
    expect(audit?.n).toBeGreaterThan(0);
  });
});
