// @vitest-environment happy-dom
import { act, cleanup, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AttachmentInfo } from "#protocol/messages";
import { draftKey, joinDrafts, loadDraft, saveDraft, useDraft } from "./drafts.ts";
import type { RoomMessage } from "./room/state.ts";
import type { RoomClient } from "./room/client.ts";

function prompt(content: string, extra: Partial<RoomMessage> = {}): RoomMessage {
  return {
    id: `local:${content}`,
    conversationId: "c1",
    role: "user",
    content,
    reasoning: "",
    model: "parley-demo",
    status: "complete",
    finishReason: null,
    error: null,
    usage: null,
    createdAt: 1,
    parentId: null,
    ...extra,
  };
}

const file: AttachmentInfo = {
  id: "att_1",
  name: "notes.txt",
  mimeType: "text/plain",
  kind: "text",
  size: 12,
};

beforeEach(() => localStorage.clear());
afterEach(cleanup);

describe("stored drafts", () => {
  it("keeps one draft per chat and one for the new-chat screen; an empty draft is forgotten", () => {
    saveDraft("c1", "first chat");
    saveDraft("c2", "second chat");
    saveDraft(null, "a new chat");
    expect([loadDraft("c1"), loadDraft("c2"), loadDraft(null), loadDraft("c3")]).toEqual([
      "first chat",
      "second chat",
      "a new chat",
      "",
    ]);
    saveDraft("c1", "  ");
    expect(localStorage.getItem(draftKey("c1"))).toBeNull();
  });

  it("puts prompts given back in front of what is typed now, a blank line apart", () => {
    expect(joinDrafts(["refused"], "")).toBe("refused");
    expect(joinDrafts(["one", "two"], "typed since")).toBe("one\n\ntwo\n\ntyped since");
    expect(joinDrafts([], "only typed")).toBe("only typed");
  });
});

describe("useDraft", () => {
  const fakeRoom = () => ({ discardFailed: vi.fn() });

  it("starts from the stored draft of its chat", () => {
    saveDraft("c1", "half a thought");
    const room = fakeRoom();
    const { result } = renderHook(() => useDraft("c1", room as unknown as RoomClient, [], () => {}));
    expect(result.current[0]).toBe("half a thought");
  });

  it("keeps a sent prompt stored until the room accepts it, and clears it then", () => {
    const room = fakeRoom();
    const { result, rerender } = renderHook(
      ({ messages }) => useDraft("c1", room as unknown as RoomClient, messages, () => {}),
      { initialProps: { messages: [] as RoomMessage[] } },
    );
    act(() => result.current[1]("Hello there"));
    expect(loadDraft("c1")).toBe("Hello there");
    // Enter: the composer empties and the optimistic bubble waits for the room.
    act(() => result.current[1](""));
    rerender({ messages: [prompt("Hello there", { pending: true, clientId: "k1" })] });
    expect(loadDraft("c1")).toBe("Hello there");
    // The room's echo replaced the bubble: nothing is left to recover.
    rerender({ messages: [prompt("Hello there", { id: "m1" })] });
    expect(loadDraft("c1")).toBe("");
  });

  it("gives a refused prompt back to the composer, with its files, and drops its bubble", () => {
    const room = fakeRoom();
    const restored: AttachmentInfo[][] = [];
    const { result, rerender } = renderHook(
      ({ messages }) =>
        useDraft("c1", room as unknown as RoomClient, messages, (files) => restored.push(files)),
      { initialProps: { messages: [] as RoomMessage[] } },
    );
    act(() => result.current[1]("typed meanwhile"));
    rerender({
      messages: [prompt("Please answer", { failed: true, clientId: "k1", attachments: [file] })],
    });
    expect(result.current[0]).toBe("Please answer\n\ntyped meanwhile");
    expect(restored).toEqual([[file]]);
    expect(room.discardFailed).toHaveBeenCalledTimes(1);
    expect(loadDraft("c1")).toBe("Please answer\n\ntyped meanwhile");
  });
});
