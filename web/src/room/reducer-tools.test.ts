// The room reducer's handling of tool calls (`tool` frames) and of files on optimistic prompts.
// `npx vitest run --config vitest.e2e.config.ts web/src/room/reducer-tools.test.ts`.
import { describe, expect, it } from "vitest";
import type { AttachmentInfo, ChatMessage, ToolCall } from "#protocol/messages";
import type { ServerFrame } from "#protocol/frames";
import { roomReducer } from "./reducer.ts";
import { initialRoomState, type RoomAction, type RoomState } from "./state.ts";

const CONV = "conv-tools";

function message(partial: Partial<ChatMessage> & Pick<ChatMessage, "id" | "role">): ChatMessage {
  return {
    conversationId: CONV,
    content: "",
    reasoning: "",
    model: partial.role === "assistant" ? "gpt-5-mini" : null,
    status: "complete",
    finishReason: null,
    error: null,
    usage: null,
    createdAt: 1,
    parentId: null,
    ...partial,
  };
}

function run(state: RoomState, ...actions: RoomAction[]): RoomState {
  return actions.reduce((current, action) => roomReducer(current, action).state, state);
}

const frame = (f: ServerFrame): RoomAction => ({ type: "frame", frame: f });

const snapshot = (
  messages: ChatMessage[],
  live: Extract<ServerFrame, { type: "snapshot" }>["live"] = null,
): ServerFrame => ({
  type: "snapshot",
  conversationId: CONV,
  title: "Sums",
  messages,
  live,
  viewers: 1,
  self: { id: "me", role: "owner" },
  people: [],
  version: "b00t.0",
});

const call = (partial: Partial<ToolCall> = {}): ToolCall => ({
  id: "call-1",
  name: "calculate",
  arguments: '{"expression":"2+2"}',
  result: null,
  offset: 0,
  ...partial,
});

const prompt = message({ id: "u1", role: "user", content: "What is 2+2?" });
const answer = message({ id: "a1", role: "assistant", status: "streaming", parentId: "u1" });

describe("tool frames", () => {
  it("adds a call when the model makes it and fills in its result when the tool answers", () => {
    let state = run(initialRoomState(CONV), frame(snapshot([prompt, answer])));
    state = run(state, frame({ type: "tool", messageId: "a1", call: call() }));
    expect(state.messages[1]!.toolCalls).toEqual([call()]);

    state = run(state, frame({ type: "tool", messageId: "a1", call: call({ result: '{"result":4}' }) }));
    expect(state.messages[1]!.toolCalls).toEqual([call({ result: '{"result":4}' })]);
  });

  it("keeps calls in order and never lets a late 'called' frame erase a result", () => {
    let state = run(
      initialRoomState(CONV),
      frame(snapshot([prompt, answer])),
      frame({ type: "tool", messageId: "a1", call: call({ result: "4" }) }),
      frame({
        type: "tool",
        messageId: "a1",
        call: call({ id: "call-2", name: "get_current_time", arguments: "{}" }),
      }),
    );
    state = run(state, frame({ type: "tool", messageId: "a1", call: call() }));
    expect(state.messages[1]!.toolCalls?.map((c) => [c.id, c.result])).toEqual([
      ["call-1", "4"],
      ["call-2", null],
    ]);
  });

  it("a tool frame for an answer not seen yet starts that answer", () => {
    const state = run(
      initialRoomState(CONV),
      frame(snapshot([prompt])),
      frame({ type: "tool", messageId: "a9", call: call() }),
    );
    expect(state.messages.at(-1)).toMatchObject({ id: "a9", role: "assistant", status: "streaming" });
    expect(state.messages.at(-1)!.toolCalls).toHaveLength(1);
  });

  it("a reconnect snapshot of the running answer keeps the calls only the frames carried", () => {
    let state = run(
      initialRoomState(CONV),
      frame(snapshot([prompt, answer])),
      frame({ type: "tool", messageId: "a1", call: call({ result: "4" }) }),
      { type: "disconnected" },
    );
    // The stored row of a running answer has no calls yet; the live part brings the text.
    const live = { messageId: "a1", offset: 0, text: "It is 4.", reasoningOffset: 0, reasoning: "" };
    state = run(state, frame(snapshot([prompt, answer], live)));
    expect(state.messages[1]!.toolCalls).toEqual([call({ result: "4" })]);
    expect(state.messages[1]!.content).toBe("It is 4.");
  });

  // The frames brought two calls and the stored answer has one: with equal counts, keeping the
  // held calls would look the same as taking the stored ones.
  const heldTwoCalls = (): RoomState =>
    run(
      initialRoomState(CONV),
      frame(snapshot([prompt, answer])),
      frame({ type: "tool", messageId: "a1", call: call({ result: "4" }) }),
      frame({
        type: "tool",
        messageId: "a1",
        call: call({ id: "call-2", name: "get_current_time", arguments: "{}" }),
      }),
    );
  const stored = call({ result: '{"result":4}' });
  const finished: ChatMessage = { ...answer, status: "complete", content: "It is 4.", toolCalls: [stored] };

  it("the stored answer's own calls win once it is finished", () => {
    const state = run(heldTwoCalls(), frame({ type: "message", message: finished }));
    expect(state.messages[1]!.toolCalls).toEqual([stored]);
  });

  it("a reconnect snapshot of an answer stored a moment ago shows its stored calls", () => {
    // The room stores the answer before it lets go of its live part, so a device that connects in
    // between gets the finished row and a live part for it.
    const live = { messageId: "a1", offset: 0, text: "It is 4.", reasoningOffset: 0, reasoning: "" };
    const state = run(heldTwoCalls(), { type: "disconnected" }, frame(snapshot([prompt, finished], live)));
    expect(state.messages[1]).toMatchObject({ status: "complete", content: "It is 4." });
    expect(state.messages[1]!.toolCalls).toEqual([stored]);
  });
});

describe("optimistic prompts with files", () => {
  const image: AttachmentInfo = {
    id: "f1",
    name: "shot.png",
    mimeType: "image/png",
    kind: "image",
    size: 1234,
  };

  it("shows the files in the pending bubble and takes the server's message when it echoes", () => {
    let state = run(initialRoomState(CONV), frame(snapshot([])), {
      type: "optimistic-send",
      clientId: "c1",
      content: "What is this?",
      model: "gpt-5-mini",
      now: 5,
      attachments: [image],
    });
    expect(state.messages[0]).toMatchObject({ pending: true, attachments: [image] });
    state = run(
      state,
      frame({
        type: "message",
        clientId: "c1",
        message: message({ id: "u1", role: "user", content: "What is this?", attachments: [image] }),
      }),
    );
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]).toMatchObject({ id: "u1", attachments: [image] });
    expect(state.messages[0]!.pending).toBeUndefined();
  });

  it("a prompt without files has no attachments field", () => {
    const state = run(initialRoomState(CONV), {
      type: "optimistic-send",
      clientId: "c2",
      content: "Hi",
      model: "parley-demo",
      now: 1,
      attachments: [],
    });
    expect(state.messages[0]!.attachments).toBeUndefined();
  });
});
