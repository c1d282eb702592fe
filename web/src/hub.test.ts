// @vitest-environment happy-dom
// The hub socket's handling of close codes, with PartySocket replaced by a fake:
// `npx vitest run --config vitest.e2e.config.ts web/src/hub.test.ts`
import { describe, expect, it, vi } from "vitest";
import { CLOSE_CODES } from "#protocol/close-codes";

const sockets: FakeSocket[] = [];

class FakeSocket extends EventTarget {
  reconnectCalls = 0;
  constructor(readonly options: { shouldReconnectOnClose: (e: CloseEvent) => boolean }) {
    super();
    sockets.push(this);
  }
  reconnect() {
    this.reconnectCalls++;
  }
  close() {}
  closeWith(code: number) {
    this.dispatchEvent(Object.assign(new Event("close"), { code }));
  }
}

vi.mock("partysocket", () => ({ default: FakeSocket }));

const { connectHub } = await import("./hub.ts");

const closeEvent = (code: number) => Object.assign(new Event("close"), { code }) as CloseEvent;

describe("the hub socket", () => {
  it("turned away for too many sockets (4429), stops retrying and tells the tab", () => {
    const onTooManyTabs = vi.fn();
    const close = connectHub({ onHello() {}, onConversation() {}, onDeleted() {}, onTooManyTabs });
    const socket = sockets.at(-1)!;
    expect(socket.options.shouldReconnectOnClose(closeEvent(CLOSE_CODES.tooManySockets))).toBe(false);
    // Any other drop is retried as before.
    expect(socket.options.shouldReconnectOnClose(closeEvent(1006))).toBe(true);
    socket.closeWith(1006);
    expect(onTooManyTabs).not.toHaveBeenCalled();
    socket.closeWith(CLOSE_CODES.tooManySockets);
    expect(onTooManyTabs).toHaveBeenCalledOnce();
    close();
  });
});
