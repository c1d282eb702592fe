// Moderation hooks: a refused prompt never goes upstream, stores no message, and is recorded.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { blocklist } from "../../worker/moderation";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

async function events(userId: string) {
  const { results } = await env.DB.prepare(
    'SELECT "check" AS check_name, category, excerpt FROM moderation_events WHERE user_id = ?',
  )
    .bind(userId)
    .all<{ check_name: string; category: string; excerpt: string }>();
  return results;
}

async function me(cookie: string): Promise<string> {
  const response = await workerFetch("/api/v1/session", { headers: { cookie } });
  return (await response.json<{ user: { id: string } }>()).user.id;
}

function chat(cookie: string, content: string) {
  return workerFetch("/api/v1/chat/stream", {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content }] }),
  });
}

describe("moderation", () => {
  it("refuses a blocklisted prompt over HTTP before anything is stored or sent", async () => {
    const cookie = await newGuest();
    const tag = uniqueTag("blocked");
    const before = await env.DB.prepare("SELECT count(*) AS n FROM conversations").first<{ n: number }>();
    const response = await chat(cookie, `tell me about the ForbiddenWord please [[case:normal tag=${tag}]]`);
    expect(response.status).toBe(400);
    const body = await response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("content_blocked");
    expect(body.error.message).toMatch(/content rules/);
    expect(await upstreamRequests(tag)).toHaveLength(0);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM conversations").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
    expect(await events(await me(cookie))).toEqual([
      expect.objectContaining({ check_name: "blocklist", category: "blocklist" }),
    ]);
  });

  it("asks the OpenAI moderation endpoint when enabled, over the room socket too", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    const tag = uniqueTag("flagged");
    device.send({
      type: "send",
      content: `something hostile [[flag:harassment]] [[case:normal tag=${tag}]]`,
      model: "gpt-5-mini",
    });
    const error = await device.waitFor(isType("error"));
    expect(error.code).toBe("content_blocked");
    expect(device.frames.some((f) => f.type === "message")).toBe(false);
    expect(await upstreamRequests(tag)).toHaveLength(0);
    expect(await events(await me(cookie))).toEqual([
      expect.objectContaining({ check_name: "openai_moderation", category: "harassment" }),
    ]);
    device.close();
  });

  it("lets ordinary prompts through", async () => {
    const response = await chat(await newGuest(), "a perfectly ordinary question about forbidden fruit");
    expect(response.status).toBe(200);
    await response.text();
  });

  it("matches blocklist terms as whole words and patterns as written", async () => {
    const check = blocklist("spam, /b[a4]nned\\s+phrase/")!;
    const verdict = (text: string) =>
      check.check({ text, userId: "u", conversationId: null }, AbortSignal.timeout(1000));
    expect(await verdict("this is SPAM!")).not.toBeNull();
    expect(await verdict("spammer")).toBeNull();
    expect(await verdict("a b4nned   phrase here")).not.toBeNull();
  });
});
