// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import type { SessionUser } from "#protocol/http";

const { clearIdentityCache } = vi.hoisted(() => ({ clearIdentityCache: vi.fn(async () => {}) }));
vi.mock("./cache.ts", () => ({ clearIdentityCache }));

const guest = (id: string): SessionUser => ({
  id,
  kind: "guest",
  email: null,
  displayName: null,
  role: "member",
  emailVerified: false,
});
const account = (id: string): SessionUser => ({
  id,
  kind: "user",
  email: `${id}@example.com`,
  displayName: null,
  role: "member",
  emailVerified: false,
});

async function freshSession(saved: SessionUser | null) {
  localStorage.clear();
  if (saved) localStorage.setItem("parley:session", JSON.stringify(saved));
  vi.resetModules();
  clearIdentityCache.mockClear();
  return import("./session.ts");
}

describe("session", () => {
  it("wipes the previous account's cache and remounts when someone else is here", async () => {
    const session = await freshSession(account("u1"));
    const { renderHook } = await import("@testing-library/react");
    await session.applyUser(guest("g2"));
    expect(clearIdentityCache).toHaveBeenCalledTimes(1);
    const after = renderHook(() => session.useIdentityVersion()).result.current;
    expect(after).toBe(1);
    expect(JSON.parse(localStorage.getItem("parley:session") ?? "null").id).toBe("g2");
  });

  it("keeps the cache when a guest signs up in place, but still refetches", async () => {
    const session = await freshSession(guest("g1"));
    const { renderHook } = await import("@testing-library/react");
    await session.applyUser(account("g1"), { refetch: true });
    expect(clearIdentityCache).not.toHaveBeenCalled();
    expect(renderHook(() => session.useIdentityVersion()).result.current).toBe(1);
    expect(renderHook(() => session.useSession()).result.current?.kind).toBe("user");
  });

  it("treats a guest whose id changed as the same person (first-visit cookie race)", async () => {
    const session = await freshSession(guest("g1"));
    const { renderHook } = await import("@testing-library/react");
    await session.applyUser(guest("g2"));
    expect(clearIdentityCache).not.toHaveBeenCalled();
    expect(renderHook(() => session.useIdentityVersion()).result.current).toBe(0);
  });

  it("does not ask who this is while this tab's own sign-in is under way, and waits for it", async () => {
    // The sign-in ends the guest, so its sockets close as signed out before the answer is in: a
    // session check sent then would carry the guest's cookie and could undo the sign-in's.
    const session = await freshSession(guest("g1"));
    const fetch = vi.fn(async () => new Response(JSON.stringify({ user: guest("g2") }), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const signingIn = session.switchingSession(async () => {
      await answered;
      await session.applyUser(account("u1"), { refetch: true });
    });
    let socketMayReconnect = false;
    const ended = session.sessionEnded().then(() => (socketMayReconnect = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socketMayReconnect).toBe(false);
    answer();
    await signingIn;
    await ended;
    expect(fetch).not.toHaveBeenCalled();
    expect(session.currentIdentityVersion()).toBe(1);
    // Once it is done, a socket closed as signed out is news again: the server is asked.
    await session.sessionEnded();
    expect(fetch).toHaveBeenCalledTimes(1);
    vi.unstubAllGlobals();
  });

  it("forgets everything on sign-out", async () => {
    const session = await freshSession(account("u1"));
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ user: guest("g9") }), { status: 200 })),
    );
    await session.signedOut();
    expect(clearIdentityCache).toHaveBeenCalledTimes(1);
    expect(JSON.parse(localStorage.getItem("parley:session") ?? "null").id).toBe("g9");
    vi.unstubAllGlobals();
  });
});
