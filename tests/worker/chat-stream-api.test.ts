// POST /api/v1/chat/stream: the SSE contract, validation, and that browsers watch the same turn.
import { describe, expect, it } from "vitest";
import { NORMAL_CHUNKS, REASONING_CHUNKS, slowText } from "../fake-upstream/texts.ts";
import { demoAnswer } from "../../worker/providers";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  postChat,
  readSse,
  rowCounts,
  type SseEvent,
  slowPrompt,
  storedMessages,
  uniqueTag,
  workerFetch,
} from "./helpers";

function textOf(events: SseEvent[], name: string): string {
  return events
    .filter((e) => e.event === name)
    .map((e) => (e.data as { text: string }).text)
    .join("");
}

describe("POST /api/v1/chat/stream", () => {
  const providers: Array<[string, string]> = [
    ["OpenAI-compatible", "gpt-5-mini"],
    ["Anthropic", "claude-haiku-4-5"],
  ];
  for (const [provider, model] of providers) {
    it(`streams a ${provider} answer with its reasoning through the same contract`, async () => {
      const cookie = await newGuest();
      const events = await readSse(
        await postChat(cookie, {
          model,
          messages: [{ role: "user", content: `Hi [[case:reasoning tag=${uniqueTag("r")}]]` }],
        }),
      );
      expect(textOf(events, "reasoning")).toBe(REASONING_CHUNKS.join(""));
      expect(textOf(events, "delta")).toBe(NORMAL_CHUNKS.join(""));
      expect(events.at(-1)).toEqual({ event: "done", data: { finishReason: "stop" } });
    });
  }

  it("serves a first-time caller without a cookie and hands it a session", async () => {
    const response = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content: "Hello there" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(/^parley_session=/);
    expect(textOf(await readSse(response), "delta")).toBe(NORMAL_CHUNKS.join(""));
  });

  it("streams the built-in demo model with no key", async () => {
    const cookie = await newGuest();
    const prompt = "Show me something in TypeScript";
    const events = await readSse(
      await postChat(cookie, { model: "parley-demo", messages: [{ role: "user", content: prompt }] }),
    );
    const text = textOf(events, "delta");
    expect(text).toBe(demoAnswer(prompt));
    expect(text).toContain("```");
    expect(events.filter((e) => e.event === "delta").length).toBeGreaterThan(1);
  });

  it("streams meta, deltas, usage and done, and stores a new conversation", async () => {
    const cookie = await newGuest();
    const response = await postChat(cookie, {
      model: "gpt-5-mini",
      messages: [{ role: "user", content: slowPrompt(uniqueTag("sse"), 30, 1) }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    expect(events[0]?.event).toBe("meta");
    const meta = events[0]?.data as { conversationId: string; messageId: string };
    const text = events
      .filter((e) => e.event === "delta")
      .map((e) => (e.data as { text: string }).text)
      .join("");
    expect(text).toBe(slowText(30));
    const usage = events.find((e) => e.event === "usage")?.data as { outputTokens: number; costUsd: number };
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ event: "done", data: { finishReason: "stop" } });

    const stored = await storedMessages(meta.conversationId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(stored[1]).toMatchObject({ id: meta.messageId, status: "complete", content: slowText(30) });
  });

  it("runs through the conversation's room, so a browser on it watches the API's answer live", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const browser = await connectRoom(id, cookie);
    await browser.waitFor(isType("snapshot"));
    const response = await postChat(cookie, {
      model: "gpt-5-mini",
      conversationId: id,
      messages: [{ role: "user", content: slowPrompt(uniqueTag("watch"), 30, 2) }],
    });
    const events = await readSse(response);
    const meta = events[0]?.data as { messageId: string };
    const done = await browser.waitFor(isType("done"));
    expect(done.messageId).toBe(meta.messageId);
    expect(browser.textOf(meta.messageId)).toBe(slowText(30));
    browser.close();
  });

  it("reports an upstream failure as an error event and stores the message as error", async () => {
    const cookie = await newGuest();
    const response = await postChat(cookie, {
      model: "gpt-5-mini",
      messages: [{ role: "user", content: `fail please [[case:server-error tag=${uniqueTag("err")}]]` }],
    });
    const events = await readSse(response);
    const meta = events[0]?.data as { conversationId: string };
    const error = events.find((e) => e.event === "error")?.data as { code: string; retryable: boolean };
    expect(error.code).toBe("upstream_error");
    expect(error.retryable).toBe(true);
    expect(events.at(-1)).toEqual({ event: "done", data: { finishReason: "error" } });
    const [, assistant] = await storedMessages(meta.conversationId);
    expect(assistant?.status).toBe("error");
  });

  describe("refuses bad input with a 4xx JSON error and stores nothing", () => {
    const cases: Array<[string, unknown, number, string]> = [
      ["malformed JSON", "{not json", 400, "invalid_json"],
      [
        "an unknown model",
        { model: "gpt-0", messages: [{ role: "user", content: "hi" }] },
        400,
        "unknown_model",
      ],
      [
        "an oversize prompt",
        { model: "gpt-5-mini", messages: [{ role: "user", content: "x".repeat(40_000) }] },
        400,
        "invalid_request",
      ],
      ["no messages", { model: "gpt-5-mini", messages: [] }, 400, "invalid_request"],
      [
        "a last message that is not the user's",
        { model: "gpt-5-mini", messages: [{ role: "assistant", content: "hi" }] },
        400,
        "invalid_request",
      ],
      ["a body over 1 MB", JSON.stringify({ model: "x".repeat(1_100_000) }), 413, "payload_too_large"],
    ];
    for (const [name, body, status, code] of cases) {
      it(name, async () => {
        const cookie = await newGuest();
        const before = await rowCounts();
        const response = await postChat(cookie, body);
        expect(response.status).toBe(status);
        const json = await response.json<{ error: { code: string; message: string } }>();
        expect(json.error.code).toBe(code);
        expect(await rowCounts()).toEqual(before);
      });
    }
  });
});
