// Every API call is a room: the account's browsers watch it live and can stop it; a client that
// goes away does not stop it; nobody else can continue it; a token that keeps no history leaves
// only usage behind; and a token never reaches a log line.
import { env } from "cloudflare:workers";
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NORMAL_CHUNKS, slowText } from "../fake-upstream/texts.ts";
import { apiAccount } from "./api-client";
import {
  connectRoom,
  eventually,
  isType,
  slowPrompt,
  storedMessages,
  uniqueTag,
  upstreamRequests,
} from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an API call is a live room", () => {
  it("streams to the account's browser as it streams to the SDK, and Stop there ends the SDK's stream", async () => {
    const account = await apiAccount();
    const { data: stream, response } = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        stream: true,
        messages: [{ role: "user", content: slowPrompt(uniqueTag("watch"), 300, 20) }],
      })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const device = await connectRoom(conversationId, account.browser.cookie);
    const snapshot = await device.waitFor(isType("snapshot"));
    const answer = snapshot.messages.at(-1)!;
    expect(answer).toMatchObject({ role: "assistant", status: "streaming" });

    let text = "";
    let finish: string | null = null;
    let stopped = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (!stopped && text.length > 40) {
        stopped = true;
        device.send({ type: "stop", messageId: answer.id });
      }
    }
    expect(finish).toBe("stop");
    expect(text.length).toBeGreaterThan(40);
    expect(text.length).toBeLessThan(slowText(300).length);
    // The browser holds exactly the text the SDK got.
    await device.waitFor((frame) => frame.type === "done" && frame.messageId === answer.id);
    expect(device.textOf(answer.id)).toBe(text);
    const stored = await storedMessages(conversationId);
    expect(stored.at(-1)).toMatchObject({ status: "stopped", content: text });
    device.close();
  });

  it("keeps writing and stores the answer when the client goes away", async () => {
    const account = await apiAccount();
    const controller = new AbortController();
    const { data: stream, response } = await account
      .openai()
      .chat.completions.create(
        {
          model: "gpt-5-mini",
          stream: true,
          messages: [{ role: "user", content: slowPrompt(uniqueTag("gone"), 40, 10) }],
        },
        { signal: controller.signal },
      )
      .withResponse();
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    controller.abort();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const stored = await eventually(
      () => storedMessages(conversationId),
      (rows) => rows.at(-1)?.status === "complete",
      10_000,
    );
    expect(stored.at(-1)?.content).toBe(slowText(40));
  });

  it("refuses to continue another person's conversation, as if it did not exist", async () => {
    const owner = await apiAccount();
    const { response } = await owner
      .openai()
      .chat.completions.create({ model: "parley-demo", messages: [{ role: "user", content: "mine" }] })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const stranger = await apiAccount();
    const refused = await stranger
      .openai({ headers: { "X-Parley-Conversation": conversationId } })
      .chat.completions.create({ model: "parley-demo", messages: [{ role: "user", content: "let me in" }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await storedMessages(conversationId)).map((m) => m.content)).not.toContain("let me in");
  });

  it("continues the owner's conversation named by the header, with only the new messages", async () => {
    const account = await apiAccount();
    const { response } = await account
      .openai()
      .chat.completions.create({ model: "parley-demo", messages: [{ role: "user", content: "first" }] })
      .withResponse();
    const conversationId = response.headers.get("x-parley-conversation") ?? "";
    const next = await account
      .openai({ headers: { "X-Parley-Conversation": conversationId } })
      .chat.completions.create({ model: "parley-demo", messages: [{ role: "user", content: "second" }] })
      .withResponse();
    expect(next.response.headers.get("x-parley-conversation")).toBe(conversationId);
    const stored = await storedMessages(conversationId);
    expect(stored.filter((m) => m.role === "user").map((m) => m.content)).toEqual(["first", "second"]);
  });
});

describe("limits and money, as in the app", () => {
  it("pays with the account's own provider key and bills the answer to the account", async () => {
    const account = await apiAccount();
    const ownKey = "sk-own-api-key-0000000000001234";
    const saved = await account.browser.fetch("/api/v1/keys/openai", {
      method: "PUT",
      json: { apiKey: ownKey },
    });
    expect(saved.status).toBe(200);
    const tag = uniqueTag("api-byok");
    const { response } = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: `hi [[case:normal tag=${tag}]]` }],
      })
      .withResponse();
    const [sent] = await upstreamRequests(tag);
    expect(sent?.headers.authorization).toBe(`Bearer ${ownKey}`);
    const answer = await env.DB.prepare(
      "SELECT own_key, author_id, output_tokens FROM messages WHERE conversation_id = ? AND role = 'assistant'",
    )
      .bind(response.headers.get("x-parley-conversation"))
      .first<{ own_key: number; author_id: string; output_tokens: number }>();
    expect(answer).toMatchObject({ own_key: 1, author_id: (await account.browser.me()).id });
    expect(answer?.output_tokens).toBeGreaterThan(0);
  });
});

describe("a token that keeps no history", () => {
  it("answers, bills the usage, and keeps no conversation or text", async () => {
    const account = await apiAccount("private", { keepHistory: false });
    const { data, response } = await account
      .openai()
      .chat.completions.create({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: "a secret question" }],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(NORMAL_CHUNKS.join(""));
    expect(response.headers.get("x-parley-conversation")).toBeNull();
    expect(await account.browser.conversations()).toEqual([]);
    const { id } = await account.browser.me();
    const rows = await env.DB.prepare(
      `SELECT m.role, m.content, m.output_tokens, c.deleted_at, c.title, c.system_prompt
         FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.owner_id = ?`,
    )
      .bind(id)
      .all<{ role: string; content: string; output_tokens: number | null; deleted_at: number | null }>();
    expect(rows.results.map((row) => row.content)).toEqual(["", ""]);
    expect(rows.results.every((row) => row.deleted_at !== null)).toBe(true);
    expect(rows.results.find((row) => row.role === "assistant")?.output_tokens).toBeGreaterThan(0);
    const usage = await (await account.browser.fetch("/api/v1/usage")).json<{ total: { answers: number } }>();
    expect(usage.total.answers).toBe(1);
  });

  it("refuses to continue a conversation", async () => {
    const account = await apiAccount("private", { keepHistory: false });
    await expect(
      account
        .openai({ headers: { "X-Parley-Conversation": crypto.randomUUID() } })
        .chat.completions.create({ model: "parley-demo", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("secrets", () => {
  it("never writes a token to a log line", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });
    }
    const account = await apiAccount();
    await account.openai().chat.completions.create({
      model: "gpt-5-mini",
      messages: [{ role: "user", content: "hello" }],
    });
    await account
      .openai()
      .chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hello" }] })
      .catch(() => undefined);
    await account
      .anthropic({ secret: `${account.secret}x` })
      .messages.create({ model: "gpt-5-mini", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
      .catch(() => undefined);
    expect(lines.some((line) => line.includes('"event":"http_request"'))).toBe(true);
    expect(lines.filter((line) => line.includes(account.secret.slice(8)))).toEqual([]);
  });
});
