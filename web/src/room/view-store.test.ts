// When a room's view tells React: the first token of an answer at once, the rest at the stream's cadence.
import { describe, expect, it } from "vitest";
import { initialRoomState, type RoomMessage } from "./state.ts";
import { sameExceptStreamedText, type RoomView } from "./view-store.ts";

const answer = (content: string, reasoning?: string): RoomMessage =>
  ({
    id: "a1",
    role: "assistant",
    content,
    ...(reasoning === undefined ? {} : { reasoning }),
    status: "streaming",
    model: "parley-demo",
    createdAt: 1,
  }) as RoomMessage;

// One room: only the streaming message differs between two views.
const room = initialRoomState("c1");
const view = (message: RoomMessage): RoomView => ({
  state: { ...room, messages: [message] },
  connection: "connected",
  notFound: false,
  linkInactive: false,
  tooManyTabs: false,
});

describe("streamed text and the render cadence", () => {
  it("treats more text of an answer already showing text as streamed text only", () => {
    expect(sameExceptStreamedText(view(answer("Hello")), view(answer("Hello there")))).toBe(true);
  });

  it("treats the first token of an answer (or of its reasoning) as news that renders on the next frame", () => {
    expect(sameExceptStreamedText(view(answer("")), view(answer("Hello")))).toBe(false);
    expect(sameExceptStreamedText(view(answer("")), view(answer("", "Thinking")))).toBe(false);
    expect(sameExceptStreamedText(view(answer("", "Thinking")), view(answer("", "Thinking more")))).toBe(
      true,
    );
  });
});
