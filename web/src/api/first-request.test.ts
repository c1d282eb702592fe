// @vitest-environment happy-dom
/**
 * One guest per browser without slowing down the people who come back: on a first visit the
 * app's requests wait for the first answer (its cookie); a browser with a saved session sends them
 * all at once.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

/** A fetch whose answers the test releases one by one; it records when each request went out. */
function heldFetch() {
  const sent: string[] = [];
  const release: (() => void)[] = [];
  const fetch = vi.fn((path: string) => {
    sent.push(path);
    return new Promise<Response>((resolve) => {
      release.push(() => resolve(new Response("{}", { headers: { "content-type": "application/json" } })));
    });
  });
  return { fetch, sent, release };
}

async function freshApi(savedSession: boolean) {
  localStorage.clear();
  if (savedSession) localStorage.setItem("parley:session", JSON.stringify({ id: "g1" }));
  vi.resetModules();
  const held = heldFetch();
  vi.stubGlobal("fetch", held.fetch);
  const api = await import("./client.ts");
  return { api, ...held };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the first request", () => {
  it("goes alone on a first visit; the rest and the sockets wait for its cookie", async () => {
    const { api, sent, release } = await freshApi(false);
    const one = api.request("/api/v1/session", z.unknown());
    const two = api.request("/api/v1/conversations", z.unknown());
    let socketMayOpen = false;
    void api.whenIdentified().then(() => (socketMayOpen = true));
    await flush();
    expect(sent).toEqual(["/api/v1/session"]);
    expect(socketMayOpen).toBe(false);

    release[0]!();
    await one;
    await flush();
    expect(sent).toEqual(["/api/v1/session", "/api/v1/conversations"]);
    expect(socketMayOpen).toBe(true);
    release[1]!();
    await two;
  });

  it("does not hold anything back for a browser that has been here before", async () => {
    const { api, sent, release } = await freshApi(true);
    const one = api.request("/api/v1/session", z.unknown());
    const two = api.request("/api/v1/conversations", z.unknown());
    await flush();
    expect(sent).toEqual(["/api/v1/session", "/api/v1/conversations"]);
    let socketMayOpen = false;
    void api.whenIdentified().then(() => (socketMayOpen = true));
    await flush();
    expect(socketMayOpen).toBe(true);
    for (const answer of release) answer();
    await Promise.all([one, two]);
  });
});
