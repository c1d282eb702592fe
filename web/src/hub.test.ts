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
  closeCalls = 0;
  close() {
    this.closeCalls++;
  }
  closeWith(code: number) {
    this.dispatchEvent(Object.assign(new Event("close"), { code }));
  }
}

vi.mock("partysocket", () => ({ default: FakeSocket }));

const { connectHub } = await import("./hub.ts");
// The app opens a socket only once the frames' schemas are in (lazy-schemas.ts); the fake socket
// delivers frames without being opened, so the schemas are loaded up front.
await (await import("./lazy-schemas.ts")).loadSchemas();

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

  it("passes a `plan` frame on (the person's plan changed: the page refetches it)", () => {
    const onPlan = vi.fn();
    const onHello = vi.fn();
    const close = connectHub({ onHello, onConversation() {}, onDeleted() {}, onTooManyTabs() {}, onPlan });
    const socket = sockets.at(-1)!;
    const deliver = (data: string) => socket.dispatchEvent(new MessageEvent("message", { data }));
    deliver(JSON.stringify({ type: "plan" }));
    expect(onPlan).toHaveBeenCalledOnce();
    // Anything else is not about the plan.
    deliver(JSON.stringify({ type: "hello" }));
    deliver(JSON.stringify({ type: "plan", extra: true, id: 5 }));
    expect(onHello).toHaveBeenCalledOnce();
    close();
  });

  it("banned (the frame, or 4423): closes for good and puts the app on the suspended screen", async () => {
    for (const how of ["frame", "close"] as const) {
      vi.resetModules();
      const { connectHub } = await import("./hub.ts");
      const { isSuspended } = await import("./suspended.ts");
      await (await import("./lazy-schemas.ts")).loadSchemas();
      const close = connectHub({ onHello() {}, onConversation() {}, onDeleted() {}, onTooManyTabs() {} });
      const socket = sockets.at(-1)!;
      expect(socket.options.shouldReconnectOnClose(closeEvent(CLOSE_CODES.banned))).toBe(false);
      expect(isSuspended()).toBe(false);
      if (how === "frame") {
        socket.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ type: "banned" }) }));
        expect(socket.closeCalls, how).toBe(1);
      } else {
        socket.closeWith(CLOSE_CODES.banned);
      }
      expect(isSuspended(), how).toBe(true);
      close();
    }
  });
});
