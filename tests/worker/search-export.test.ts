// Search over one's own history, exports of a conversation and of a whole account, and the Undo
// of a delete: real D1 (with its FTS5 index), real rooms, the demo model and the fake upstream.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseHubFrame, type HubFrame } from "#protocol/hub";
import type { SearchResult } from "#protocol/library";
import { NORMAL_CHUNKS, REASONING_CHUNKS } from "../fake-upstream/texts";
import {
  connectRoom,
  isDoneFor,
  isType,
  newGuest,
  postChat,
  readSse,
  uniqueTag,
  workerFetch,
} from "./helpers";

/** Sends `prompt` as a new conversation and waits for the whole answer. */
async function ask(
  cookie: string,
  prompt: string,
  model = "parley-demo",
): Promise<{ conversationId: string; answerId: string }> {
  const events = await readSse(
    await postChat(cookie, { model, messages: [{ role: "user", content: prompt }] }),
  );
  const meta = events.find((event) => event.event === "meta");
  expect(events.at(-1)?.event).toBe("done");
  return { conversationId: String(meta?.data.conversationId), answerId: String(meta?.data.messageId) };
}

async function search(cookie: string, q: string): Promise<{ status: number; results: SearchResult[] }> {
  const response = await workerFetch(`/api/v1/search?q=${encodeURIComponent(q)}`, { headers: { cookie } });
  if (response.status !== 200) return { status: response.status, results: [] };
  const body = await response.json<{ results: SearchResult[] }>();
  return { status: 200, results: body.results };
}

function rename(cookie: string, id: string, title: string) {
  return workerFetch(`/api/v1/conversations/${id}`, {
    method: "PATCH",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
}

async function newTitled(cookie: string, title: string): Promise<string> {
  const created = await workerFetch("/api/v1/conversations", {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: "{}",
  });
  const { conversation } = await created.json<{ conversation: { id: string } }>();
  expect((await rename(cookie, conversation.id, title)).status).toBe(200);
  return conversation.id;
}

function remove(cookie: string, id: string) {
  return workerFetch(`/api/v1/conversations/${id}`, { method: "DELETE", headers: { cookie } });
}

function restore(cookie: string, id: string) {
  return workerFetch(`/api/v1/conversations/${id}/restore`, { method: "POST", headers: { cookie } });
}

const matchedText = (result: SearchResult) =>
  result.snippet
    .filter((part) => part.match)
    .map((part) => part.text)
    .join("|");

/** A word nobody else's test writes, so a hit can only come from this test's conversation. */
const uniqueWord = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/[^a-f]/g, "")}`;

async function signedIn(): Promise<string> {
  const response = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: await newGuest(), "content-type": "application/json" },
    body: JSON.stringify({
      email: `lib-${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "long enough password",
    }),
  });
  expect(response.status).toBe(200);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="))
    .join("; ");
}

describe("GET /api/v1/search", () => {
  it("finds a word that only the answer contains, with the hit marked", async () => {
    const cookie = await newGuest();
    const { conversationId, answerId } = await ask(cookie, `Tell me about ${uniqueWord("moss")}`);
    // "fenced" is in the demo model's answer, never in the prompt.
    const { results } = await search(cookie, "fenced");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ conversationId, messageId: answerId });
    expect(matchedText(results[0]!).toLowerCase()).toBe("fenced");
    expect(results[0]!.snippet.map((part) => part.text).join("")).toContain("code blocks");
  });

  it("matches titles case-insensitively, lists them before messages, and prefix-matches the last word", async () => {
    const cookie = await newGuest();
    const word = uniqueWord("photo");
    const { conversationId: answered } = await ask(cookie, `Explain ${word} simply`);
    const titled = await newTitled(cookie, `Notes on ${word.toUpperCase()} and light`);
    const { results } = await search(cookie, word.slice(0, -2));
    const titleHits = results.filter((result) => result.messageId === null);
    // Titles come first (the answered chat's own title may match too, until it is auto-titled).
    expect(results.slice(0, titleHits.length)).toEqual(titleHits);
    const hit = titleHits.find((result) => result.conversationId === titled);
    expect(hit && matchedText(hit)).toBe(word.slice(0, -2).toUpperCase());
    const messageHits = results.filter((result) => result.messageId !== null);
    expect(messageHits.length).toBeGreaterThanOrEqual(1);
    expect(messageHits.every((hit) => hit.conversationId === answered)).toBe(true);
  });

  it("never shows another person's conversations", async () => {
    const owner = await newGuest();
    const word = uniqueWord("secret");
    await ask(owner, `My ${word} plan`);
    await newTitled(owner, `${word} title`);
    expect((await search(owner, word)).results.length).toBeGreaterThanOrEqual(2);
    expect(await search(await newGuest(), word)).toEqual({ status: 200, results: [] });
  });

  it("leaves out deleted conversations and deleted messages", async () => {
    const cookie = await newGuest();
    const gone = uniqueWord("gone");
    const { conversationId } = await ask(cookie, `About ${gone}`);
    expect((await search(cookie, gone)).results.length).toBeGreaterThan(0);
    expect((await remove(cookie, conversationId)).status).toBe(204);
    expect((await search(cookie, gone)).results).toEqual([]);

    const hidden = uniqueWord("hidden");
    const kept = await ask(cookie, `About ${hidden}`);
    const room = await connectRoom(kept.conversationId, cookie);
    await room.waitFor(isType("snapshot"));
    room.send({ type: "delete_message", messageId: kept.answerId });
    await room.waitFor(isType("path"));
    room.close();
    const hits = (await search(cookie, hidden)).results.filter((hit) => hit.messageId !== null);
    // The prompt still matches; the deleted answer no longer does.
    expect(hits.map((hit) => hit.messageId)).not.toContain(kept.answerId);
    expect(hits).toHaveLength(1);
    expect((await search(cookie, "fenced")).results).toEqual([]);
  });

  it("treats quotes, operators and unicode as plain text, never as query syntax", async () => {
    const cookie = await newGuest();
    const word = uniqueWord("quux");
    const { conversationId } = await ask(cookie, `Crème brûlée for ${word}, 日本語 テキスト, key:value`);
    const percent = await newTitled(cookie, "100% sure");
    await newTitled(cookie, "Nothing special here");
    const snake = await newTitled(cookie, "snake_case notes");
    const hostile = [
      '"',
      "*",
      "NEAR(",
      "-",
      ":",
      '"unterminated',
      "a OR b",
      "content:x",
      "(",
      ")",
      "^",
      "{}",
      "\\",
      "NOT",
      "AND",
      "🙂",
      "x".repeat(200),
      "é".repeat(200),
    ];
    // Plus mixtures of syntax, marks, scripts and wildcards, the same ones on every run.
    const pieces = [
      '"',
      "*",
      "NEAR(",
      ")",
      "-",
      ":",
      "^",
      "+",
      "%",
      "_",
      "a",
      "é",
      "\u0301",
      "日本",
      "🙂",
      " ",
      "OR",
      "'",
    ];
    let seed = 7;
    for (let n = 0; n < 40; n++) {
      let q = "";
      for (let i = 0; i < 6; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        q += pieces[seed % pieces.length];
      }
      hostile.push(q.trim() === "" ? "x" : q);
    }
    for (const q of hostile) {
      const { status } = await search(cookie, q);
      expect(status, `q=${q}`).toBe(200);
    }
    const found = async (q: string) => (await search(cookie, q)).results.map((r) => r.conversationId);
    expect(await found(`"${word}"`)).toContain(conversationId);
    expect(await found(`-${word}`)).toContain(conversationId);
    expect(await found("key:value")).toContain(conversationId);
    // Two plain words, not a column filter: no column is named "role", yet the answer has both.
    expect(await found(`role:${word}`)).toContain(conversationId);
    expect(await found(`${word} OR zzzznothing`)).toEqual([]);
    expect(await found("creme BRULEE")).toContain(conversationId);
    expect(await found("日本語")).toContain(conversationId);
    // LIKE wildcards in the text are literal: "%" matches the title that has one, not every title.
    const titles = async (q: string) =>
      (await search(cookie, q)).results.filter((r) => r.messageId === null).map((r) => r.conversationId);
    expect(await titles("%")).toEqual([percent]);
    expect(await titles("l_h")).toEqual([]);
    expect(await titles("e_c")).toEqual([snake]);
    const long = `A long title, longer than the fifty bytes D1 allows a LIKE pattern ${word}`;
    const longId = await newTitled(cookie, long);
    expect(await titles(long.toLowerCase())).toEqual([longId]);
  });

  it("returns at most 20 results", async () => {
    const cookie = await newGuest();
    const word = uniqueWord("batch");
    for (let i = 0; i < 22; i++) await newTitled(cookie, `${word} ${i}`);
    expect((await search(cookie, word)).results).toHaveLength(20);
  });

  it("refuses an empty or too long query with 400 invalid_request", async () => {
    const cookie = await newGuest();
    for (const path of [
      "/api/v1/search",
      "/api/v1/search?q=",
      "/api/v1/search?q=%20%20",
      `/api/v1/search?q=${"y".repeat(201)}`,
    ]) {
      const response = await workerFetch(path, { headers: { cookie } });
      expect(response.status, path).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });
});

/** A conversation with a reasoning answer from the fake upstream, regenerated with the demo model. */
async function branchedConversation(cookie: string) {
  const prompt = `Hi [[case:reasoning tag=${uniqueTag("export")}]]`;
  const first = await ask(cookie, prompt, "gpt-5-mini");
  expect((await rename(cookie, first.conversationId, "Greeting test: Ünïcode & more!")).status).toBe(200);
  const room = await connectRoom(first.conversationId, cookie);
  await room.waitFor(isType("snapshot"));
  room.send({ type: "regenerate", messageId: first.answerId, model: "parley-demo" });
  const path = await room.waitFor(
    (frame) => frame.type === "path" && frame.messages.at(-1)?.id !== first.answerId,
  );
  const second = path.type === "path" ? path.messages.at(-1)!.id : "";
  await room.waitFor(isDoneFor(second));
  room.close();
  return { ...first, prompt, secondAnswerId: second };
}

describe("GET /api/v1/conversations/:id/export", () => {
  it("downloads the visible branch as Markdown, reasoning folded away", async () => {
    const cookie = await newGuest();
    const { conversationId, prompt } = await branchedConversation(cookie);
    const response = await workerFetch(`/api/v1/conversations/${conversationId}/export?format=markdown`, {
      headers: { cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="greeting-test-unicode-more.md"',
    );
    const markdown = await response.text();
    expect(
      markdown.startsWith(
        `# Greeting test: Ünïcode & more!\n\n## You\n\n${prompt}\n\n## Parley Demo\n\n**This is Parley's demo model.**`,
      ),
    ).toBe(true);
    // Only the active branch: the first (regenerated) answer is not in it.
    expect(markdown).not.toContain(NORMAL_CHUNKS.join(""));
    expect(markdown).not.toContain("## GPT-5 mini");

    // Switching back to the first answer shows it, with its reasoning in a <details> block.
    const room = await connectRoom(conversationId, cookie);
    const snapshot = await room.waitFor(isType("snapshot"));
    const siblings = snapshot.messages.at(-1)?.siblings ?? [];
    expect(siblings).toHaveLength(2);
    room.send({ type: "switch_branch", messageId: siblings[0] });
    await room.waitFor((frame) => frame.type === "path" && frame.messages.at(-1)?.id === siblings[0]);
    room.close();
    const again = await workerFetch(`/api/v1/conversations/${conversationId}/export?format=markdown`, {
      headers: { cookie },
    });
    expect(await again.text()).toBe(
      `# Greeting test: Ünïcode & more!\n\n## You\n\n${prompt}\n\n## GPT-5 mini\n\n` +
        `<details>\n<summary>Reasoning</summary>\n\n${REASONING_CHUNKS.join("")}\n\n</details>\n\n` +
        `${NORMAL_CHUNKS.join("")}\n`,
    );
  });

  it("downloads every message, branches included, with models and usage as JSON", async () => {
    const cookie = await newGuest();
    const { conversationId, answerId, secondAnswerId } = await branchedConversation(cookie);
    const response = await workerFetch(`/api/v1/conversations/${conversationId}/export?format=json`, {
      headers: { cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="greeting-test-unicode-more.json"',
    );
    const body = await response.json<{
      conversation: { id: string; title: string };
      models: Array<{ id: string; name: string }>;
      messages: Array<{
        id: string;
        role: string;
        parentId: string | null;
        onActiveBranch: boolean;
        usage: { inputTokens: number; outputTokens: number; costUsd: number } | null;
      }>;
      usage: { answers: number; inputTokens: number; outputTokens: number; costUsd: number };
    }>();
    expect(body.conversation).toMatchObject({ id: conversationId, title: "Greeting test: Ünïcode & more!" });
    expect(body.models).toEqual(
      expect.arrayContaining([
        { id: "gpt-5-mini", name: "GPT-5 mini" },
        { id: "parley-demo", name: "Parley Demo" },
      ]),
    );
    const [prompt, ...answers] = body.messages;
    expect(prompt).toMatchObject({ role: "user", parentId: null, onActiveBranch: true });
    expect(answers.map((m) => [m.id, m.parentId, m.onActiveBranch])).toEqual([
      [answerId, prompt!.id, false],
      [secondAnswerId, prompt!.id, true],
    ]);
    expect(answers[0]!.usage).toMatchObject({ inputTokens: 16, outputTokens: 47 });
    const counted = answers.filter((m) => m.usage !== null);
    expect(body.usage.answers).toBe(counted.length);
    expect(body.usage.outputTokens).toBe(counted.reduce((sum, m) => sum + m.usage!.outputTokens, 0));
  });

  it("is the owner's only: anyone else gets 404, an unknown format 400", async () => {
    const cookie = await newGuest();
    const { conversationId } = await ask(cookie, "Export me");
    const stranger = await workerFetch(`/api/v1/conversations/${conversationId}/export?format=json`, {
      headers: { cookie: await newGuest() },
    });
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ error: { code: "not_found" } });
    const pdf = await workerFetch(`/api/v1/conversations/${conversationId}/export?format=pdf`, {
      headers: { cookie },
    });
    expect(pdf.status).toBe(400);
  });
});

describe("GET /api/v1/account/export", () => {
  it("holds the person's profile, chats, key hints and usage, and no secret", async () => {
    const cookie = await signedIn();
    const ownKey = "sk-export-test-key-WXYZ9876";
    const saved = await workerFetch("/api/v1/keys/openai", {
      method: "PUT",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ apiKey: ownKey }),
    });
    expect(saved.status).toBe(200);
    const word = uniqueWord("archive");
    const { conversationId } = await ask(cookie, `Keep ${word} safe`);
    const { conversationId: deleted } = await ask(cookie, "Forget this one");
    await remove(cookie, deleted);

    const response = await workerFetch("/api/v1/account/export", { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="parley-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const text = await response.text();
    const session = await workerFetch("/api/v1/session", { headers: { cookie } });
    const { user } = await session.json<{ user: { id: string } }>();
    const stored = await env.DB.prepare(
      "SELECT u.password_hash AS hash, k.ciphertext, k.iv FROM users AS u JOIN provider_keys AS k ON k.user_id = u.id WHERE u.id = ?",
    )
      .bind(user.id)
      .first<{ hash: string; ciphertext: string; iv: string }>();
    expect(stored?.hash).toMatch(/^pbkdf2/);
    for (const secret of [ownKey, stored!.hash, stored!.ciphertext, stored!.iv, "pbkdf2"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/password|ciphertext/i);

    const body = JSON.parse(text) as {
      profile: { email: string; kind: string };
      conversations: Array<{ id: string; messages: Array<{ role: string; content: string }> }>;
      providerKeys: Array<{ provider: string; last4: string; createdAt: number }>;
      usage: Array<{ month: string; total: { answers: number } }>;
    };
    expect(body.profile).toMatchObject({
      kind: "user",
      email: expect.stringMatching(/^lib-.*@example\.com$/),
    });
    expect(body.conversations.map((c) => c.id)).toEqual([conversationId]);
    expect(body.conversations[0]!.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(body.conversations[0]!.messages[0]!.content).toBe(`Keep ${word} safe`);
    expect(body.providerKeys).toEqual([{ provider: "openai", last4: "9876", createdAt: expect.any(Number) }]);
    expect(body.usage.map((u) => u.month)).toEqual([new Date().toISOString().slice(0, 7)]);
    expect(body.usage[0]!.total.answers).toBe(2);
  });
});

async function connectHub(cookie: string) {
  const response = await workerFetch("/parties/hub", { headers: { upgrade: "websocket", cookie } });
  const socket = response.webSocket;
  if (!socket) throw new Error(`hub upgrade refused: ${response.status}`);
  socket.accept();
  const frames: HubFrame[] = [];
  socket.addEventListener("message", (event) => {
    const frame = typeof event.data === "string" ? parseHubFrame(event.data) : null;
    if (frame) frames.push(frame);
  });
  return { frames, close: () => socket.close(1000, "test done") };
}

describe("POST /api/v1/conversations/:id/restore", () => {
  it("undoes a delete within the minute and tells the owner's devices", async () => {
    const cookie = await newGuest();
    const { conversationId } = await ask(cookie, "Restore me please");
    expect((await remove(cookie, conversationId)).status).toBe(204);
    expect(
      (await workerFetch(`/api/v1/conversations/${conversationId}`, { headers: { cookie } })).status,
    ).toBe(404);
    const hub = await connectHub(cookie);

    const response = await restore(cookie, conversationId);
    expect(response.status).toBe(200);
    const body = await response.json<{ conversation: { id: string; title: string } }>();
    expect(body.conversation.id).toBe(conversationId);
    const opened = await workerFetch(`/api/v1/conversations/${conversationId}`, { headers: { cookie } });
    expect(opened.status).toBe(200);
    const { messages } = await opened.json<{ messages: unknown[] }>();
    expect(messages).toHaveLength(2);
    const list = await workerFetch("/api/v1/conversations", { headers: { cookie } });
    const { conversations } = await list.json<{ conversations: Array<{ id: string }> }>();
    expect(conversations.map((c) => c.id)).toContain(conversationId);
    await expect
      .poll(() => hub.frames.some((f) => f.type === "conversation" && f.conversation.id === conversationId))
      .toBe(true);
    hub.close();
    // Restoring what is not deleted (any more) finds nothing to undo.
    expect((await restore(cookie, conversationId)).status).toBe(404);
  });

  it("is refused once the minute has passed, and for anyone but the owner", async () => {
    const cookie = await newGuest();
    const { conversationId } = await ask(cookie, "Too late for me");
    expect((await remove(cookie, conversationId)).status).toBe(204);

    const stranger = await restore(await newGuest(), conversationId);
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ error: { code: "not_found" } });

    // The delete happened 61 seconds ago.
    await env.DB.prepare("UPDATE conversations SET deleted_at = deleted_at - 61000 WHERE id = ?")
      .bind(conversationId)
      .run();
    expect((await restore(cookie, conversationId)).status).toBe(404);
    expect(
      (await workerFetch(`/api/v1/conversations/${conversationId}`, { headers: { cookie } })).status,
    ).toBe(404);
  });
});
