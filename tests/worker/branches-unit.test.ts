// The rules of a conversation tree, on rows alone: which path is shown, which alternatives each
// message offers, what a deleted message hides, where a branch switch lands and what the model
// sees. branches.test.ts drives the same rules through the room.
import { describe, expect, it } from "vitest";
import { activePath, contextOf, newestLeafUnder, presentPath } from "../../worker/db/branches";
import type { Attachment, Message } from "../../worker/db/schema";
import { messageRow } from "./message-rows";

const CONV = "conv-tree";

function row(id: string, parentId: string | null, position: number, partial: Partial<Message> = {}): Message {
  const role = id.startsWith("u") ? "user" : "assistant";
  return messageRow({
    id,
    conversationId: CONV,
    position,
    parentId,
    role,
    model: role === "user" ? null : "gpt-5-mini",
    createdAt: position,
    updatedAt: position,
    ...partial,
  });
}

/**
 * u1 ─ a1 ─ u2 ─ a2      the first turn, then a second one
 *    └ a1b               a1 regenerated
 * u1e ─ a1e              u1 edited and resent (a first message too, so a sibling of u1)
 */
function tree(deleted: string[] = []): Message[] {
  // Neither oldest nor newest first: the order of the rows must not decide what is shown.
  const rows = [
    row("a2", "u2", 4),
    row("u1e", null, 6),
    row("u1", null, 1),
    row("a1e", "u1e", 7),
    row("a1b", "u1", 5),
    row("u2", "a1", 3),
    row("a1", "u1", 2),
  ];
  return rows.map((r) => (deleted.includes(r.id) ? { ...r, deletedAt: 100 } : r));
}

const ids = (messages: ReadonlyArray<{ id: string }>) => messages.map((m) => m.id);

describe("presentPath", () => {
  it("shows the messages from the first one to the active leaf, oldest first", () => {
    expect(ids(presentPath(tree(), "a2"))).toEqual(["u1", "a1", "u2", "a2"]);
    expect(ids(presentPath(tree(), "a1b"))).toEqual(["u1", "a1b"]);
  });

  it("gives each message with alternatives the ids of all of them, oldest first", () => {
    const [u1, a1, u2, a2] = presentPath(tree(), "a2");
    expect(u1!.siblings).toEqual(["u1", "u1e"]);
    expect(a1!.siblings).toEqual(["a1", "a1b"]);
    expect(u2!.siblings).toBeUndefined();
    expect(a2!.siblings).toBeUndefined();
  });

  it("hides a deleted message but still shows the turns after it", () => {
    expect(ids(presentPath(tree(["a1"]), "a2"))).toEqual(["u1", "u2", "a2"]);
  });

  it("does not offer a deleted alternative", () => {
    const [, a1] = presentPath(tree(["a1b"]), "a2");
    expect(a1!.id).toBe("a1");
    expect(a1!.siblings).toBeUndefined();
  });

  it("shows the newest message's branch when the active leaf is unset or gone", () => {
    expect(ids(presentPath(tree(), null))).toEqual(["u1e", "a1e"]);
    expect(ids(presentPath(tree(), "deleted-for-good"))).toEqual(["u1e", "a1e"]);
  });

  it("puts each file on the message it was sent with", () => {
    const file: Attachment = {
      id: "f1",
      ownerId: "someone",
      conversationId: CONV,
      messageId: "u2",
      name: "plot.png",
      mimeType: "image/png",
      kind: "image",
      size: 2048,
      r2Key: "uploads/f1",
      createdAt: 3,
    };
    const shown = presentPath(tree(), "a2", new Map([["u2", [file]]]));
    expect(shown.map((m) => m.attachments)).toEqual([
      undefined,
      undefined,
      [{ id: "f1", name: "plot.png", mimeType: "image/png", kind: "image", size: 2048 }],
      undefined,
    ]);
  });
});

describe("activePath", () => {
  it("runs through deleted messages, which only the callers hide", () => {
    expect(ids(activePath(tree(["a1"]), "a2"))).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("ends at a parent loop in damaged rows instead of hanging", () => {
    const rows = [row("u1", "a1", 1), row("a1", "u1", 2)];
    expect(ids(activePath(rows, "a1"))).toEqual(["u1", "a1"]);
  });
});

describe("newestLeafUnder", () => {
  it("switching to a message lands on the newest message of its branch", () => {
    expect(newestLeafUnder(tree(), "u1")?.id).toBe("a1b");
    expect(newestLeafUnder(tree(), "a1")?.id).toBe("a2");
    expect(newestLeafUnder(tree(), "a1e")?.id).toBe("a1e");
  });

  it("finds nothing under a message the conversation does not have", () => {
    expect(newestLeafUnder(tree(), "elsewhere")).toBeUndefined();
  });
});

describe("contextOf", () => {
  it("gives the model the path without deleted, empty or failed messages", () => {
    const path = [
      row("u1", null, 1),
      row("a1", "u1", 2),
      row("u2", "a1", 3),
      row("a2", "u2", 4, { deletedAt: 50 }),
      row("u3", "a2", 5),
      row("a3", "u3", 6, { content: "" }),
      row("u4", "a3", 7),
      row("a4", "u4", 8, { status: "error", content: "half an answer" }),
      row("u5", "a4", 9),
    ];
    expect(contextOf(path)).toEqual(
      ["u1", "a1", "u2", "u3", "u4", "u5"].map((id) => ({
        id,
        role: id.startsWith("u") ? "user" : "assistant",
        content: `text of ${id}`,
      })),
    );
  });
});
