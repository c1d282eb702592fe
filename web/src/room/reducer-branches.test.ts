// Unit tests of the room reducer for branches of the conversation: `path` frames, continuing an
// answer, and optimistic edits (shown at once, put back when the room refuses them).
// Run: `npx vitest run --config vitest.e2e.config.ts web/src/room/reducer-branches.test.ts`.
import { describe, expect, it } from "vitest";
import { streamingMessage } from "./resume.ts";
import { initialRoomState } from "./state.ts";
import { CONV, message, delta, snapshot, path, run, user, text } from "./reducer-fixtures.ts";

describe("roomReducer: branches", () => {
  // u1 → a1 (complete); u1 has a second answer a2 (regenerated).
  const a1 = message({ id: "a1", role: "assistant", content: "First answer.", parentId: "u1", createdAt: 2 });
  const a2 = message({
    id: "a2",
    role: "assistant",
    status: "streaming",
    parentId: "u1",
    createdAt: 3,
    siblings: ["a1", "a2"],
  });

  it("a path frame replaces the list, and a regenerated answer streams on by its offsets", () => {
    const start = run(initialRoomState(CONV), snapshot([user, a1])).state;
    const { state, out } = run(
      start,
      path([user, a2]),
      delta("a2", 0, "Second"),
      delta("a2", 6, " answer."),
      {
        type: "done",
        messageId: "a2",
        status: "complete",
        finishReason: "stop",
        usage: null,
        error: null,
        length: 14,
        reasoningLength: 0,
      },
    );
    expect(state.messages.map((m) => m.id)).toEqual(["u1", "a2"]);
    expect(text(state, "a2")).toBe("Second answer.");
    expect(state.messages[1]?.siblings).toEqual(["a1", "a2"]);
    expect(state.messages[1]?.status).toBe("complete");
    expect(out).toEqual([]);
  });

  it("a path frame in the middle of a stream keeps the text we already hold", () => {
    const streamingA2 = run(initialRoomState(CONV), snapshot([user, a2]), delta("a2", 0, "Hello wor")).state;
    // Someone deletes an earlier message: the path's copy of a2 only has its checkpoint text.
    const { state, out } = run(
      streamingA2,
      path([{ ...user }, { ...a2, content: "Hel" }]),
      delta("a2", 9, "ld"),
    );
    expect(text(state, "a2")).toBe("Hello world");
    expect(streamingMessage(state)?.id).toBe("a2");
    expect(out).toEqual([]);
  });

  it("a path that drops a message removes it from the list", () => {
    const u2 = message({ id: "u2", role: "user", content: "More", parentId: "a1", createdAt: 4 });
    const start = run(initialRoomState(CONV), snapshot([user, a1, u2])).state;
    const { state } = run(start, path([user, a1]));
    expect(state.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
  });

  it("a snapshot keeps older messages only along its own branch", () => {
    const u0 = message({ id: "u0", role: "user", content: "Old", createdAt: 0 });
    const a0 = message({
      id: "a0",
      role: "assistant",
      content: "Old answer",
      parentId: "u0",
      createdAt: 0.5,
    });
    const other = message({
      id: "x1",
      role: "user",
      content: "Other branch",
      parentId: "a0",
      createdAt: 0.7,
    });
    const held = run(initialRoomState(CONV), snapshot([u0, a0, other])).state;
    // Reconnect: the branch now goes a0 → u1 → a1 and the snapshot only carries its tail.
    const onBranch = run(held, { type: "disconnected" }, snapshot([{ ...user, parentId: "a0" }, a1]));
    expect(onBranch.state.messages.map((m) => m.id)).toEqual(["u0", "a0", "u1", "a1"]);
  });

  it("continue reopens a stopped answer and appends from its length", () => {
    const stopped = message({
      id: "a1",
      role: "assistant",
      content: "Half of it",
      status: "stopped",
      finishReason: "stopped",
      parentId: "u1",
    });
    const start = run(initialRoomState(CONV), snapshot([user, stopped])).state;
    const { state, out } = run(
      start,
      { type: "message", message: { ...stopped, status: "streaming", finishReason: null } },
      delta("a1", 10, " and the rest."),
    );
    expect(text(state)).toBe("Half of it and the rest.");
    expect(streamingMessage(state)?.id).toBe("a1");
    expect(out).toEqual([]);
  });

  it("an optimistic edit shows the new prompt alone until the path arrives", () => {
    const start = run(initialRoomState(CONV), snapshot([user, a1])).state;
    const edited = run(start, {
      type: "optimistic-edit",
      messageId: "u1",
      clientId: "c9",
      content: "Hi again",
      model: "parley-demo",
      now: 9,
    }).state;
    expect(edited.messages.map((m) => [m.content, !!m.pending])).toEqual([["Hi again", true]]);
    const u1b = message({
      id: "u1b",
      role: "user",
      content: "Hi again",
      createdAt: 9,
      siblings: ["u1", "u1b"],
    });
    const answer = message({
      id: "a3",
      role: "assistant",
      status: "streaming",
      parentId: "u1b",
      createdAt: 10,
    });
    const { state } = run(edited, path([u1b, answer]));
    expect(state.messages.map((m) => m.id)).toEqual(["u1b", "a3"]);
    expect(state.messages.some((m) => m.pending)).toBe(false);
    expect(state.beforeEdit).toBeNull();
  });

  it("a refused edit puts the branch back and shows the error", () => {
    const start = run(initialRoomState(CONV), snapshot([user, a1])).state;
    const { state } = run(
      start,
      { type: "optimistic-edit", messageId: "u1", clientId: "c9", content: "x", model: "m", now: 9 },
      { type: "error", code: "conversation_busy", message: "Busy", retryable: true },
    );
    expect(state.messages.map((m) => [m.id, m.content])).toEqual([
      ["u1", "Hi"],
      ["a1", "First answer."],
    ]);
    expect(state.error?.code).toBe("conversation_busy");
    // The edited text is kept on the prompt it was for, so its edit box can open with it again.
    expect(state.messages[0]?.refusedEdit).toEqual({ content: "x", key: "c9" });
    expect(state.messages[1]?.refusedEdit).toBeUndefined();
  });

  it("a new edit of a prompt whose last edit was refused starts clean", () => {
    const start = run(initialRoomState(CONV), snapshot([user, a1])).state;
    const refused = run(
      start,
      { type: "optimistic-edit", messageId: "u1", clientId: "c9", content: "x", model: "m", now: 9 },
      { type: "error", code: "rate_limited", message: "Slow down", retryable: true },
    ).state;
    const { state } = run(refused, {
      type: "optimistic-edit",
      messageId: "u1",
      clientId: "c10",
      content: "y",
      model: "m",
      now: 10,
    });
    // The waiting bubble must not open an edit box of its own.
    expect(state.messages.at(-1)).toMatchObject({ pending: true, content: "y", refusedEdit: undefined });
  });
});
