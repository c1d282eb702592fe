// @vitest-environment happy-dom
// The room client's socket handling, with PartySocket replaced by a fake:
// `npx vitest run --config vitest.e2e.config.ts web/src/room/client.test.ts`
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSE_CODES, type ServerFrame } from "#protocol/frames";

const sockets: FakeSocket[] = [];

class FakeSocket extends EventTarget {
  readonly options: {
    query: () => Record<string, string>;
    shouldReconnectOnClose: (e: CloseEvent) => boolean;
  };
  readonly sent: unknown[] = [];
  closeCalls = 0;
  reconnectCalls = 0;
  constructor(options: FakeSocket["options"]) {
    super();
    this.options = options;
    sockets.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closeCalls++;
  }
  reconnect() {
    this.reconnectCalls++;
  }
  receive(frame: ServerFrame) {
    this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }
  closeWith(code: number) {
    this.dispatchEvent(Object.assign(new Event("close"), { code }));
  }
}

vi.mock("partysocket", () => ({ default: FakeSocket }));

const { RoomClient } = await import("./client.ts");
// The app opens a socket only once the frames' schemas are in (lazy-schemas.ts); the fake socket
// delivers frames without being opened, so the schemas are loaded up front.
await (await import("../lazy-schemas.ts")).loadSchemas();

const fetchMock = vi.fn<typeof fetch>();

function snapshot(role: "owner" | "editor" | "viewer"): ServerFrame {
  return {
    type: "snapshot",
    conversationId: "c1",
    title: "Shared",
    messages: [],
    live: null,
    viewers: 2,
    self: { id: "me", role },
    people: [
      { id: "me", name: "Guest", kind: "guest", role, devices: 1, typing: false },
      { id: "ana", name: "Ana", kind: "user", role: "owner", devices: 1, typing: true },
    ],
    version: "b00t.0",
  };
}

beforeEach(() => {
  sockets.length = 0;
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a room opened through a share link", () => {
  it("connects with ?share=, never asks the owner-only HTTP API, and learns its role", async () => {
    const room = new RoomClient("c1", {}, { share: "tok" });
    await Promise.resolve();
    const socket = sockets[0]!;
    expect(socket.options.query()).toEqual({ share: "tok" });
    socket.receive(snapshot("viewer"));
    expect(room.getView().state.self).toEqual({ id: "me", role: "viewer" });
    expect(room.getView().state.people.map((p) => p.name)).toEqual(["Guest", "Ana"]);
    // Viewers do not announce typing.
    room.draftChanged(true);
    expect(socket.sent).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
    room.close();
  });

  it("a revoked link (4403) stops reconnecting and shows the link as inactive", () => {
    const room = new RoomClient("c1", {}, { share: "tok" });
    const socket = sockets[0]!;
    const closeEvent = Object.assign(new Event("close"), { code: CLOSE_CODES.accessRevoked }) as CloseEvent;
    expect(socket.options.shouldReconnectOnClose(closeEvent)).toBe(false);
    socket.closeWith(CLOSE_CODES.accessRevoked);
    expect(room.getView().linkInactive).toBe(true);
    expect(socket.closeCalls).toBe(1);
    expect(socket.reconnectCalls).toBe(0);
    room.close();
  });

  it("acts on the room's access_revoked frame without waiting for the close itself", () => {
    const room = new RoomClient("c1", {}, { share: "tok" });
    const socket = sockets[0]!;
    socket.receive(snapshot("viewer"));
    socket.receive({ type: "error", code: "access_revoked", message: "gone", retryable: false });
    expect(room.getView().linkInactive).toBe(true);
    expect(socket.closeCalls).toBe(1);
    room.close();
  });

  it("a changed mode (4409) reconnects at once; the next snapshot brings the new role", () => {
    const room = new RoomClient("c1", {}, { share: "tok" });
    const socket = sockets[0]!;
    socket.receive(snapshot("viewer"));
    socket.closeWith(CLOSE_CODES.accessChanged);
    expect(socket.reconnectCalls).toBe(1);
    expect(room.getView().connection).toBe("reconnecting");
    socket.receive(snapshot("editor"));
    expect(room.getView().state.self?.role).toBe("editor");
    expect(room.getView().linkInactive).toBe(false);
    room.close();
  });

  it("a deleted conversation (4404) does not reconnect", () => {
    const room = new RoomClient("c1", {}, { share: "tok" });
    const socket = sockets[0]!;
    const closeEvent = Object.assign(new Event("close"), { code: CLOSE_CODES.deleted }) as CloseEvent;
    expect(socket.options.shouldReconnectOnClose(closeEvent)).toBe(false);
    socket.closeWith(CLOSE_CODES.deleted);
    expect(room.getView().state.deleted).toBe(true);
    expect(socket.closeCalls).toBe(1);
    room.close();
  });

  it("after an unexpected close, asks the API whether the link still works", async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ error: { code: "not_found", message: "Share link not found." } }), {
        status: 404,
        headers: { "content-type": "application/json" },
      }),
    );
    const room = new RoomClient("c1", {}, { share: "tok" });
    sockets[0]!.closeWith(1006);
    await vi.waitFor(() => expect(room.getView().linkInactive).toBe(true));
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe("/api/v1/shares/tok");
    room.close();
  });
});

describe("a room with too many sockets open", () => {
  it("turned away (4429), it stops for good and says so instead of retrying", () => {
    const room = new RoomClient("c1");
    const socket = sockets[0]!;
    const closeEvent = Object.assign(new Event("close"), { code: CLOSE_CODES.tooManySockets }) as CloseEvent;
    expect(socket.options.shouldReconnectOnClose(closeEvent)).toBe(false);
    socket.closeWith(CLOSE_CODES.tooManySockets);
    expect(room.getView().tooManyTabs).toBe(true);
    expect(socket.closeCalls).toBe(1);
    expect(socket.reconnectCalls).toBe(0);
    room.close();
  });
});

describe("room frames", () => {
  it("sends typing at most every 2 s, and stops when the draft is sent", () => {
    vi.useFakeTimers();
    const room = new RoomClient("c1", {}, { share: "tok" });
    const socket = sockets[0]!;
    socket.receive(snapshot("editor"));
    room.draftChanged(true);
    vi.advanceTimersByTime(500);
    room.draftChanged(true);
    vi.advanceTimersByTime(1_600);
    room.draftChanged(true);
    room.send("Hello", "parley-demo");
    expect(socket.sent.map((f) => JSON.stringify(f))).toEqual([
      JSON.stringify({ type: "typing", active: true }),
      JSON.stringify({ type: "typing", active: true }),
      JSON.stringify({ type: "typing", active: false }),
      expect.any(String),
    ]);
    expect(socket.sent[3]).toMatchObject({ type: "send", content: "Hello", model: "parley-demo" });
    room.close();
  });

  it("typing flags the server did not refresh expire on their own", () => {
    vi.useFakeTimers();
    const room = new RoomClient("c1", {}, { share: "tok" });
    sockets[0]!.receive(snapshot("editor"));
    expect(room.getView().state.people.some((p) => p.typing)).toBe(true);
    vi.advanceTimersByTime(7_500);
    expect(room.getView().state.people.some((p) => p.typing)).toBe(false);
    room.close();
  });

  it("branch actions go out as their frames; an edit shows the new prompt at once", () => {
    const room = new RoomClient("c1", {}, { share: "tok" });
    const socket = sockets[0]!;
    socket.receive({
      ...snapshot("editor"),
      messages: [
        {
          id: "u1",
          conversationId: "c1",
          role: "user",
          content: "Old",
          reasoning: "",
          model: null,
          status: "complete",
          finishReason: null,
          error: null,
          usage: null,
          createdAt: 1,
          parentId: null,
        },
      ],
    } as ServerFrame);
    room.regenerate("a1");
    room.regenerate("a1", "other-model");
    room.continueAnswer("a1");
    room.deleteMessage("a1");
    room.switchBranch("a0");
    room.edit("u1", "New", "parley-demo");
    expect(socket.sent.slice(0, 5)).toEqual([
      { type: "regenerate", messageId: "a1" },
      { type: "regenerate", messageId: "a1", model: "other-model" },
      { type: "continue", messageId: "a1" },
      { type: "delete_message", messageId: "a1" },
      { type: "switch_branch", messageId: "a0" },
    ]);
    expect(socket.sent[5]).toMatchObject({
      type: "edit",
      messageId: "u1",
      content: "New",
      model: "parley-demo",
    });
    expect(room.getView().state.messages.map((m) => [m.content, m.pending])).toEqual([["New", true]]);
    room.close();
  });

  it("a regenerate or an edit carries the composer's options, as a send does", () => {
    const room = new RoomClient("c1");
    const socket = sockets[0]!;
    socket.receive(snapshot("owner"));
    room.regenerate("a1", undefined, { tools: true });
    room.regenerate("a1", "other-model", { responseFormat: "json" });
    room.edit("u1", "Again", "parley-demo", { tools: true, responseFormat: "json" });
    expect(socket.sent.slice(0, 2)).toEqual([
      { type: "regenerate", messageId: "a1", options: { tools: true } },
      { type: "regenerate", messageId: "a1", model: "other-model", options: { responseFormat: "json" } },
    ]);
    expect(socket.sent[2]).toMatchObject({ type: "edit", options: { tools: true, responseFormat: "json" } });
    room.close();
  });
});
