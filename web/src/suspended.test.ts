// @vitest-environment happy-dom
// An answer `403 banned` from the API (the session request on load among them) puts the app on
// the suspended screen; any other refusal does not.
import { afterEach, describe, expect, it, vi } from "vitest";

const answer = (status: number, code: string) =>
  new Response(JSON.stringify({ error: { code, message: "No." } }), {
    status,
    headers: { "content-type": "application/json" },
  });

afterEach(() => vi.unstubAllGlobals());

async function fresh() {
  vi.resetModules();
  return { api: await import("./api/chat.ts"), suspended: await import("./suspended.ts") };
}

describe("a 403 banned answer", () => {
  it("marks this browser's person as suspended", async () => {
    const { api, suspended } = await fresh();
    vi.stubGlobal(
      "fetch",
      vi.fn<typeof fetch>(async () => answer(403, "banned")),
    );
    await expect(api.getSession()).rejects.toMatchObject({ status: 403, code: "banned" });
    expect(suspended.isSuspended()).toBe(true);
  });

  it("is not confused with other refusals", async () => {
    const { api, suspended } = await fresh();
    vi.stubGlobal(
      "fetch",
      vi.fn<typeof fetch>(async () => answer(403, "forbidden")),
    );
    await expect(api.getSession()).rejects.toMatchObject({ code: "forbidden" });
    expect(suspended.isSuspended()).toBe(false);
  });
});
