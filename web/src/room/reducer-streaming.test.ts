// Unit tests of the room reducer for the streamed answer: `applyChunk`, deltas (text and
// reasoning, each by its offset), the stored `message` that replaces an optimistic bubble, and
// `done`.
// Run: `npx vitest run --config vitest.e2e.config.ts web/src/room/reducer-streaming.test.ts`.
import { describe, expect, it } from "vitest";
import { roomReducer } from "./reducer.ts";
import { applyChunk } from "./offsets.ts";
import { streamingMessage } from "./resume.ts";
import { initialRoomState } from "./state.ts";
import { CONV, delta, snapshot, run, user, streaming, streamingRoom, text } from "./reducer-fixtures.ts";

describe("applyChunk", () => {
  it("appends in order, ignores overlap, reports gaps", () => {
    expect(applyChunk("", 0, "abc")).toBe("abc");
    expect(applyChunk("abc", 3, "def")).toBe("abcdef");
    expect(applyChunk("abcdef", 3, "def")).toBe("abcdef");
    expect(applyChunk("abcd", 2, "cdef")).toBe("abcdef");
    expect(applyChunk("abc", 4, "x")).toBeNull();
  });
});

describe("roomReducer: deltas", () => {
  it("appends in-order deltas", () => {
    const { state, out } = run(
      streamingRoom(),
      delta("a1", 0, "Hel"),
      delta("a1", 3, "lo "),
      delta("a1", 6, "world"),
    );
    expect(text(state)).toBe("Hello world");
    expect(out).toEqual([]);
  });

  it("ignores a duplicated delta and keeps the same state object", () => {
    const first = run(streamingRoom(), delta("a1", 0, "Hello"));
    const again = roomReducer(first.state, { type: "frame", frame: delta("a1", 0, "Hello") });
    expect(text(again.state)).toBe("Hello");
    expect(again.out).toEqual([]);
    expect(again.state.messages).toBe(first.state.messages);
  });

  it("appends only the new part of an overlapping delta", () => {
    const { state } = run(streamingRoom(), delta("a1", 0, "Hello"), delta("a1", 3, "lo world"));
    expect(text(state)).toBe("Hello world");
  });

  it("asks to resume on a gap, drops the frame, and asks only once", () => {
    const { state, out } = run(
      streamingRoom(),
      delta("a1", 0, "Hello"),
      delta("a1", 11, "!!"), // missed "[5, 11)"
      delta("a1", 13, "?"),
    );
    expect(text(state)).toBe("Hello");
    expect(out).toEqual([{ type: "resume", messageId: "a1", offset: 5, reasoningOffset: 0 }]);
    // The server answers the resume from offset 5; later deltas line up again.
    const resumed = run(state, delta("a1", 5, " world!!?"), delta("a1", 14, " ok"));
    expect(text(resumed.state)).toBe("Hello world!!? ok");
    expect(resumed.out).toEqual([]);
    expect(resumed.state.resumeRequested).toEqual({});
  });

  it("merges reasoning with its own offsets", () => {
    const { state, out } = run(
      streamingRoom(),
      delta("a1", 0, "", 0, "Think"),
      delta("a1", 0, "", 5, "ing"),
      delta("a1", 0, "", 5, "ing"),
      delta("a1", 0, "Answer", 8, ""),
    );
    const a1 = state.messages.find((m) => m.id === "a1");
    expect(a1?.reasoning).toBe("Thinking");
    expect(a1?.content).toBe("Answer");
    expect(out).toEqual([]);
  });

  it("asks to resume with both offsets when the reasoning has a gap", () => {
    const { state, out } = run(
      streamingRoom(),
      delta("a1", 0, "", 0, "Think"),
      delta("a1", 0, "Ans", 9, "more"), // reasoning [5, 9) missed; the text lines up
    );
    const a1 = state.messages.find((m) => m.id === "a1");
    expect(a1?.reasoning).toBe("Think");
    expect(a1?.content).toBe("Ans");
    expect(out).toEqual([{ type: "resume", messageId: "a1", offset: 3, reasoningOffset: 5 }]);
  });

  it("starts a message it never heard of, resuming from 0 if the delta is not its start", () => {
    const fromStart = run(streamingRoom(), delta("a9", 0, "Hey"));
    expect(text(fromStart.state, "a9")).toBe("Hey");
    const later = run(streamingRoom(), delta("a9", 4, "there"));
    expect(text(later.state, "a9")).toBe("");
    expect(later.out).toEqual([{ type: "resume", messageId: "a9", offset: 0, reasoningOffset: 0 }]);
  });
});

describe("roomReducer: message and done", () => {
  it("swaps the optimistic bubble for the stored message by clientId", () => {
    const { state } = run(
      initialRoomState(CONV),
      snapshot([]),
      { type: "optimistic-send", clientId: "c1", content: "Hi", model: "parley-demo", now: 5 },
      { type: "message", message: user, clientId: "c1" },
      { type: "message", message: streaming },
    );
    expect(state.messages.map((m) => [m.id, !!m.pending])).toEqual([
      ["u1", false],
      ["a1", false],
    ]);
    expect(streamingMessage(state)?.id).toBe("a1");
  });

  it("sets status and usage on done; resumes when we hold less than its length", () => {
    const usage = { inputTokens: 3, outputTokens: 4, costUsd: 0 };
    const complete = run(streamingRoom(), delta("a1", 0, "Hello"), {
      type: "done",
      messageId: "a1",
      status: "complete",
      finishReason: "stop",
      usage,
      error: null,
      length: 5,
      reasoningLength: 0,
    });
    const a1 = complete.state.messages.find((m) => m.id === "a1");
    expect(a1?.status).toBe("complete");
    expect(a1?.usage).toEqual(usage);
    expect(complete.out).toEqual([]);

    const short = run(streamingRoom(), delta("a1", 0, "Hel"), {
      type: "done",
      messageId: "a1",
      status: "stopped",
      finishReason: "stopped",
      usage: null,
      error: null,
      length: 5,
      reasoningLength: 0,
    });
    expect(short.out).toEqual([{ type: "resume", messageId: "a1", offset: 3, reasoningOffset: 0 }]);
    const filled = run(short.state, delta("a1", 3, "lo"));
    expect(text(filled.state)).toBe("Hello");
    expect(filled.state.messages.find((m) => m.id === "a1")?.status).toBe("stopped");
  });

  it("an error frame marks the waiting optimistic message as failed", () => {
    const { state } = run(
      initialRoomState(CONV),
      { type: "optimistic-send", clientId: "c1", content: "Hi", model: "parley-demo", now: 5 },
      { type: "error", code: "rate_limited", message: "Slow down", retryable: true },
    );
    expect(state.error?.code).toBe("rate_limited");
    expect(state.messages[0]?.failed).toBe(true);
    expect(state.messages[0]?.pending).toBe(false);
    // Its text went back to the composer: the bubble goes, the error (the reason) stays.
    const after = run(state, { type: "discard-failed" }).state;
    expect(after.messages).toEqual([]);
    expect(after.error?.code).toBe("rate_limited");
  });
});
