// Unit tests of the room reducer for connecting and reconnecting: the snapshot (with its `live`
// part), a reconnect that quotes the room version (`resumed`), and history loaded over HTTP before
// or after the snapshot.
// Run: `npx vitest run --config vitest.e2e.config.ts web/src/room/reducer-snapshot.test.ts`.
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "#protocol/frames";
import { roomReducer } from "./reducer.ts";
import { reconnectQuery, resumeQuery, streamingMessage } from "./resume.ts";
import { initialRoomState, type RoomState } from "./state.ts";
import {
  CONV,
  message,
  person,
  SELF,
  delta,
  snapshot,
  run,
  user,
  streaming,
  streamingRoom,
  text,
} from "./reducer-fixtures.ts";

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
