// Unit tests for the room reducer (pure: no browser, no server). Collected by vitest.e2e.config.ts:
// `npx vitest run --config vitest.e2e.config.ts web/src/room-reducer.test.ts`.
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "#protocol/messages";
import type { ClientFrame, Person, ServerFrame } from "#protocol/frames";
import {
  applyChunk,
  canWrite,
  initialRoomState,
  reconnectQuery,
  resumeQuery,
  roomReducer,
  streamingMessage,
  type RoomAction,
  type RoomState,
} from "./room-reducer.ts";

const CONV = "conv-1";

function message(partial: Partial<ChatMessage> & Pick<ChatMessage, "id" | "role">): ChatMessage {
  return {
    conversationId: CONV,
    content: "",
    reasoning: "",
    model: partial.role === "assistant" ? "parley-demo" : null,
    status: "complete",
    finishReason: null,
    error: null,
    usage: null,
    createdAt: 1,
    parentId: null,
    ...partial,
  };
}

function person(partial: Partial<Person> & Pick<Person, "id">): Person {
  return { name: "Guest", kind: "guest", role: "owner", devices: 1, typing: false, ...partial };
}

const SELF = { id: "me", role: "owner" as const };

function delta(
  messageId: string,
  offset: number,
  text: string,
  reasoningOffset = 0,
  reasoning = "",
): ServerFrame {
  return { type: "delta", messageId, offset, text, reasoningOffset, reasoning };
}

function snapshot(
  messages: ChatMessage[],
  live: Extract<ServerFrame, { type: "snapshot" }>["live"] = null,
  version = "b00t.0",
): ServerFrame {
  return {
    type: "snapshot",
    conversationId: CONV,
    title: "Hello",
    messages,
    live,
    viewers: 1,
    self: SELF,
    people: [person({ id: "me" })],
    version,
  };
}

function path(messages: ChatMessage[]): ServerFrame {
  return { type: "path", messages };
}

const LOCAL_ACTIONS = new Set<string>([
  "frame",
  "history",
  "optimistic-send",
  "optimistic-edit",
  "expire-typing",
  "disconnected",
  "dismiss-error",
]);

function isLocalAction(item: ServerFrame | RoomAction): item is RoomAction {
  return LOCAL_ACTIONS.has(item.type);
}

/** Runs frames (or local actions) through the reducer, collecting every outgoing client frame. */
function run(state: RoomState, ...items: (ServerFrame | RoomAction)[]) {
  const out: ClientFrame[] = [];
  const warnings: string[] = [];
  for (const item of items) {
    const action: RoomAction = isLocalAction(item) ? item : { type: "frame", frame: item };
    const result = roomReducer(state, action);
    state = result.state;
    out.push(...result.out);
    warnings.push(...result.warnings);
  }
  return { state, out, warnings };
}

const user = message({ id: "u1", role: "user", content: "Hi", createdAt: 1 });
const streaming = message({ id: "a1", role: "assistant", status: "streaming", createdAt: 2, parentId: "u1" });

function streamingRoom(content = ""): RoomState {
  return run(initialRoomState(CONV), snapshot([user, { ...streaming, content }])).state;
}

const text = (state: RoomState, id = "a1") => state.messages.find((m) => m.id === id)?.content;

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

describe("roomReducer: snapshot", () => {
  it("replaces local state for the messages it contains", () => {
    const before = run(streamingRoom(), delta("a1", 0, "Hello"));
    const done = message({
      id: "a1",
      role: "assistant",
      content: "Hello world.",
      status: "complete",
      createdAt: 2,
    });
    const { state } = run(before.state, { type: "disconnected" }, snapshot([user, done]));
    expect(state.messages.map((m) => [m.id, m.content, m.status])).toEqual([
      ["u1", "Hi", "complete"],
      ["a1", "Hello world.", "complete"],
    ]);
    expect(state.synced).toBe(true);
    expect(streamingMessage(state)).toBeUndefined();
  });

  it("continues a streaming message from live (full text so far)", () => {
    const { state, out } = run(
      initialRoomState(CONV),
      snapshot([user, { ...streaming, content: "Hel" }], {
        messageId: "a1",
        offset: 0,
        text: "Hello",
        reasoningOffset: 0,
        reasoning: "",
      }),
      delta("a1", 5, " world"),
    );
    expect(text(state)).toBe("Hello world");
    expect(out).toEqual([]);
  });

  it("after a ?resume= reconnect, appends only the missed part from live.offset", () => {
    const before = run(streamingRoom(), delta("a1", 0, "Hello"));
    expect(resumeQuery(before.state)).toEqual({ resume: "a1", offset: "5", reasoningOffset: "0" });
    const { state, out } = run(
      before.state,
      { type: "disconnected" },
      // The snapshot's copy of the message may lag behind (checkpoint): we keep our longer prefix.
      snapshot([user, { ...streaming, content: "He" }], {
        messageId: "a1",
        offset: 5,
        text: " world",
        reasoningOffset: 0,
        reasoning: "",
      }),
      delta("a1", 11, "!"),
    );
    expect(text(state)).toBe("Hello world!");
    expect(out).toEqual([]);
  });

  it("asks to resume when live starts beyond what we hold", () => {
    const { state, out } = run(
      initialRoomState(CONV),
      snapshot([user, { ...streaming, content: "" }], {
        messageId: "a1",
        offset: 7,
        text: "world",
        reasoningOffset: 0,
        reasoning: "",
      }),
    );
    expect(text(state)).toBe("");
    expect(out).toEqual([{ type: "resume", messageId: "a1", offset: 0, reasoningOffset: 0 }]);
  });

  it("keeps an optimistic message that the snapshot does not know yet, drops it when it does", () => {
    const sent = run(initialRoomState(CONV), {
      type: "optimistic-send",
      clientId: "c1",
      content: "Question?",
      model: "parley-demo",
      now: 5,
    });
    const kept = run(sent.state, snapshot([user]));
    expect(kept.state.messages.map((m) => m.content)).toEqual(["Hi", "Question?"]);
    const echoed = run(
      sent.state,
      snapshot([user, message({ id: "u2", role: "user", content: "Question?", parentId: "u1" })]),
    );
    expect(echoed.state.messages.map((m) => m.id)).toEqual(["u1", "u2"]);
  });
});

function resumed(partial: Partial<Extract<ServerFrame, { type: "resumed" }>> = {}): ServerFrame {
  return { type: "resumed", self: SELF, offset: 0, text: "", reasoningOffset: 0, reasoning: "", ...partial };
}

describe("roomReducer: reconnecting with the room version", () => {
  it("quotes the snapshot's version, moved on by each frame that changes more than the text", () => {
    const room = run(streamingRoom(), delta("a1", 0, "Hello"));
    expect(reconnectQuery(room.state)).toEqual({
      resume: "a1",
      offset: "5",
      reasoningOffset: "0",
      version: "b00t.0",
    });
    const call = { id: "t1", name: "calculator", arguments: "{}", result: null, offset: 5 };
    const after = run(
      room.state,
      { type: "presence", viewers: 2, people: [person({ id: "me" }), person({ id: "ana" })] },
      { type: "tool", messageId: "a1", call },
      delta("a1", 5, "!"),
      { type: "title", title: "Greetings" },
    );
    expect(reconnectQuery(after.state).version).toBe("b00t.2");
    // Without a snapshot there is no version to quote: the room then sends one.
    expect(reconnectQuery(initialRoomState(CONV))).toEqual({});
  });

  it("resumed keeps every message and appends only the text missed while away", () => {
    const older = message({ id: "u0", role: "user", content: "Earlier", createdAt: 0 });
    const before = run(
      streamingRoom(),
      { type: "history", title: "Hello", messages: [older, user, streaming] },
      delta("a1", 0, "Hello"),
      { type: "disconnected" },
    );
    expect(before.state.synced).toBe(false);
    const { state, out } = run(before.state, resumed({ offset: 5, text: " world" }), delta("a1", 11, "!"));
    expect(state.messages.map((m) => m.id)).toEqual(["u0", "u1", "a1"]);
    expect(text(state)).toBe("Hello world!");
    expect(state.synced).toBe(true);
    expect(out).toEqual([]);
    expect(reconnectQuery(state).version).toBe("b00t.0");
  });

  it("resumed overlapping what we hold adds only the new part, reasoning included", () => {
    const before = run(streamingRoom(), delta("a1", 0, "Hello", 0, "think"), { type: "disconnected" });
    const { state } = run(
      before.state,
      resumed({ offset: 3, text: "lo there", reasoningOffset: 5, reasoning: "ing" }),
    );
    expect(text(state)).toBe("Hello there");
    expect(state.messages.find((m) => m.id === "a1")?.reasoning).toBe("thinking");
  });

  it("resumed with nothing streaming only brings the connection back", () => {
    const quiet = run(initialRoomState(CONV), snapshot([user, message({ id: "a1", role: "assistant" })]));
    const { state } = run(
      quiet.state,
      { type: "disconnected" },
      resumed({ self: { id: "me", role: "viewer" } }),
    );
    expect(state.messages).toBe(quiet.state.messages);
    expect(state.synced).toBe(true);
    expect(state.self?.role).toBe("viewer");
  });

  it("a gap asks for the rest and drops the version, so the next reconnect gets a snapshot", () => {
    const before = run(streamingRoom(), delta("a1", 0, "Hello"), { type: "disconnected" });
    const { state, out } = run(before.state, resumed({ offset: 8, text: "world" }));
    expect(text(state)).toBe("Hello");
    expect(out).toEqual([{ type: "resume", messageId: "a1", offset: 5, reasoningOffset: 0 }]);
    expect(reconnectQuery(state).version).toBeUndefined();
    // The room may answer with a `message` only this device gets; the next snapshot starts over.
    const again = run(state, snapshot([user, streaming], null, "f00d.7"));
    expect(reconnectQuery(again.state).version).toBe("f00d.7");
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
  });
});

describe("history over a cached streaming answer", () => {
  it("keeps the longer text the cache holds for a message that is still streaming", () => {
    const cached: RoomState = {
      ...initialRoomState(CONV),
      messages: [message({ id: "a1", role: "assistant", status: "streaming", content: "Hello wor" })],
    };
    const { state } = roomReducer(cached, {
      type: "history",
      title: "t",
      messages: [message({ id: "a1", role: "assistant", status: "streaming", content: "" })],
    });
    expect(state.messages[0]?.content).toBe("Hello wor");
    expect(resumeQuery(state)).toMatchObject({ resume: "a1", offset: "9" });
  });
});

describe("history that arrives after the snapshot", () => {
  it("puts the older messages the snapshot left out in front, once", () => {
    const all = Array.from({ length: 6 }, (_, i) =>
      message({
        id: `m${i}`,
        role: i % 2 === 0 ? "user" : "assistant",
        content: `message ${i}`,
        createdAt: i,
        parentId: i === 0 ? null : `m${i - 1}`,
      }),
    );
    const history = { type: "history" as const, title: "Hello", messages: all };
    const { state } = run(initialRoomState(CONV), snapshot(all.slice(3)), history, history);
    expect(state.messages.map((m) => m.id)).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
  });
});

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
  });
});

describe("roomReducer: presence", () => {
  it("the snapshot says who we are; presence frames update the people and the count", () => {
    const start = run(initialRoomState(CONV), snapshot([])).state;
    expect(start.self).toEqual(SELF);
    expect(canWrite(start.self?.role)).toBe(true);
    const ana = person({ id: "p2", name: "Ana", kind: "user", role: "editor", typing: true });
    const { state } = run(start, {
      type: "presence",
      viewers: 3,
      people: [person({ id: "me", devices: 2 }), ana],
    });
    expect(state.viewers).toBe(3);
    expect(state.people.map((p) => [p.name, p.devices, p.typing])).toEqual([
      ["Guest", 2, false],
      ["Ana", 1, true],
    ]);
    const expired = run(state, { type: "expire-typing" }).state;
    expect(expired.people.some((p) => p.typing)).toBe(false);
    // Nothing to expire: the same state object (no re-render).
    expect(roomReducer(expired, { type: "expire-typing" }).state).toBe(expired);
  });

  it("viewers may not write", () => {
    expect(canWrite("viewer")).toBe(false);
    expect(canWrite("editor")).toBe(true);
    expect(canWrite(null)).toBe(false);
  });
});
