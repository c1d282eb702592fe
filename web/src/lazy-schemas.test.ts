// @vitest-environment happy-dom
// The schemas' own chunk (lazy-schemas.ts): the stand-ins parse as the schemas do once it is in,
// and the room's socket does not open before it is:
// `npx vitest run --config vitest.e2e.config.ts web/src/lazy-schemas.test.ts`
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as real from "#protocol/http";
import { parseServerFrame as realParseServerFrame } from "#protocol/frames";

const sockets: FakeSocket[] = [];

class FakeSocket extends EventTarget {
  reconnectCalls = 0;
  constructor() {
    super();
    sockets.push(this);
  }
  send() {}
  close() {}
  reconnect() {
    this.reconnectCalls++;
  }
}

vi.mock("partysocket", () => ({ default: FakeSocket }));

// The chunk arrives when the test says so (a slow network on a first visit).
let arrive: () => void = () => {};
vi.mock("./protocol-schemas.ts", async (importOriginal) => {
  await new Promise<void>((resolve) => (arrive = resolve));
  return importOriginal();
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  sockets.length = 0;
  vi.stubGlobal(
    "fetch",
    vi.fn<typeof fetch>(() => new Promise(() => {})),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the schemas' chunk", () => {
  it("a room opens its socket only once the schemas are in, and a stand-in refuses to guess before", async () => {
    const { RoomClient } = await import("./room/client.ts");
    const { userAnswerSchema, loadedSchemas } = await import("./lazy-schemas.ts");
    const room = new RoomClient("c1");
    await flush();
    expect(loadedSchemas()).toBeUndefined();
    expect(sockets[0]!.reconnectCalls).toBe(0);
    expect(() => userAnswerSchema.safeParse({})).toThrow(/before loadSchemas/);

    arrive();
    await vi.waitFor(() => expect(sockets[0]!.reconnectCalls).toBe(1));
    expect(loadedSchemas()).toBeDefined();
    room.close();
  });

  it("once in, the stand-ins parse exactly as the protocol's schemas do", async () => {
    arrive();
    const lazy = await import("./lazy-schemas.ts");
    await lazy.loadSchemas();
    const user = {
      user: { id: "u1", kind: "guest", email: null, displayName: null, emailVerified: false, role: "member" },
    };
    const samples = [user, { user: { id: 5 } }, null, { error: { code: "bad", message: "No." } }];
    for (const sample of samples) {
      expect(lazy.userAnswerSchema.safeParse(sample)).toEqual(real.userAnswerSchema.safeParse(sample));
      expect(lazy.apiErrorSchema.safeParse(sample)).toEqual(real.apiErrorSchema.safeParse(sample));
    }
    expect(lazy.userAnswerSchema.safeParse(user).success).toBe(true);
    expect(lazy.apiErrorSchema.safeParse(samples[3]).success).toBe(true);
    const frames = ['{"type":"pong"}', '{"type":"title","title":"Hi"}', '{"type":"title"}', "not json"];
    for (const frame of frames) expect(lazy.parseServerFrame(frame)).toEqual(realParseServerFrame(frame));
    expect(lazy.parseServerFrame('{"type":"title","title":"Hi"}')).toEqual({ type: "title", title: "Hi" });
  });
});
