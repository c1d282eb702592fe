// @vitest-environment happy-dom
// The room client once its person is banned, with PartySocket replaced by a fake:
// `npx vitest run --config vitest.e2e.config.ts web/src/room/ban.test.ts`
import { beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSE_CODES, type ServerFrame } from "#protocol/frames";

const sockets: FakeSocket[] = [];

class FakeSocket extends EventTarget {
  readonly options: { shouldReconnectOnClose: (e: CloseEvent) => boolean };
  closeCalls = 0;
  reconnectCalls = 0;
  constructor(options: FakeSocket["options"]) {
    super();
    this.options = options;
    sockets.push(this);
  }
  send() {}
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

const closeEvent = (code: number) => Object.assign(new Event("close"), { code }) as CloseEvent;

beforeEach(() => {
  sockets.length = 0;
  vi.resetModules();
  // The HTTP history is not what this is about.
  vi.stubGlobal(
    "fetch",
    vi.fn<typeof fetch>(() => new Promise(() => {})),
  );
});

async function openRoom() {
  const { RoomClient } = await import("./client.ts");
  const suspended = await import("../suspended.ts");
  const room = new RoomClient("c1", {}, { share: "tok" });
  const socket = sockets.at(-1)!;
  // The socket opens (its first `reconnect`) once the browser has its identity: that is no retry.
  await vi.waitFor(() => expect(socket.reconnectCalls).toBe(1));
  socket.reconnectCalls = 0;
  return { room, socket, ...suspended };
}

describe("a banned person's room", () => {
  it("on the room's `banned` frame, stops for good and puts the app on the suspended screen", async () => {
    const { room, socket, isSuspended } = await openRoom();
    expect(socket.options.shouldReconnectOnClose(closeEvent(CLOSE_CODES.banned))).toBe(false);
    socket.receive({ type: "error", code: "banned", message: "Suspended.", retryable: false });
    expect(isSuspended()).toBe(true);
    expect(socket.closeCalls).toBe(1);
    expect(socket.reconnectCalls).toBe(0);
    room.close();
  });

  it("on a close with 4423 alone (no frame came), the same", async () => {
    const { room, socket, isSuspended } = await openRoom();
    socket.closeWith(CLOSE_CODES.banned);
    expect(isSuspended()).toBe(true);
    expect(socket.closeCalls).toBe(1);
    expect(socket.reconnectCalls).toBe(0);
    room.close();
  });

  it("once the app knows of the ban (an API answer said so), a dropped socket is not retried", async () => {
    const { room, socket, markSuspended } = await openRoom();
    markSuspended();
    socket.closeWith(1006);
    expect(socket.closeCalls).toBe(1);
    expect(room.getView().connection).not.toBe("reconnecting");
    room.close();
  });
});
