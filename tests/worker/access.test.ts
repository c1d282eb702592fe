// A conversation belongs to the browser that made it: other guests get nothing, by any route.
import { describe, expect, it } from "vitest";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  roomEntry,
  rowCounts,
  slowPrompt,
  uniqueTag,
  workerFetch,
} from "./helpers";

async function expectErrorShape(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe("guest sessions", () => {
  it("issues an HttpOnly SameSite=Lax cookie, Secure except on plain-http localhost", async () => {
    const local = await workerFetch("/api/v1/session");
    const localCookie = local.headers.get("set-cookie") ?? "";
    expect(localCookie).toMatch(/HttpOnly/);
    expect(localCookie).toMatch(/SameSite=Lax/);
    expect(localCookie).not.toMatch(/Secure/);

    const { exports } = await import("cloudflare:workers");
    const remote = await exports.default.fetch(new Request("https://parley.example/api/v1/session"));
    expect(remote.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("keeps the same identity for a returning cookie and rejects a forged one", async () => {
    const cookie = await newGuest();
    const me = await (
      await workerFetch("/api/v1/session", { headers: { cookie } })
    ).json<{ user: { id: string } }>();
    const again = await workerFetch("/api/v1/session", { headers: { cookie } });
    expect((await again.json<{ user: { id: string } }>()).user.id).toBe(me.user.id);

    const [header, payload] = cookie.slice("parley_session=".length).split(".");
    const forged = `parley_session=${header}.${payload}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const other = await workerFetch("/api/v1/session", { headers: { cookie: forged } });
    expect((await other.json<{ user: { id: string } }>()).user.id).not.toBe(me.user.id);
  });
});

describe("health", () => {
  it("reports the version and that D1 answers", async () => {
    const response = await workerFetch("/healthz");
    expect(response.status).toBe(200);
    const { version } = await import("../../package.json");
    expect(await response.json()).toEqual({ ok: true, service: "parley", version, d1: "ok" });
  });
});

describe("response headers", () => {
  it("forbid framing and sniffing on every API answer, errors and streams included", async () => {
    const cookie = await newGuest();
    const ok = await workerFetch("/api/v1/models", { headers: { cookie } });
    const missing = await workerFetch("/api/v1/conversations/nope", { headers: { cookie } });
    const stream = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ model: "parley-demo", messages: [{ role: "user", content: "hi" }] }),
    });
    for (const response of [ok, missing, stream]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      await response.text();
    }
  });
});

describe("another guest", () => {
  it("cannot list, read or post to someone else's conversation over HTTP", async () => {
    const owner = await newGuest();
    const stranger = await newGuest();
    const id = await createConversation(owner);

    const list = await workerFetch("/api/v1/conversations", { headers: { cookie: stranger } });
    expect((await list.json<{ conversations: unknown[] }>()).conversations).toEqual([]);
    await expectErrorShape(
      await workerFetch(`/api/v1/conversations/${id}`, { headers: { cookie: stranger } }),
      404,
      "not_found",
    );
    const before = await rowCounts();
    await expectErrorShape(
      await workerFetch("/api/v1/chat/stream", {
        method: "POST",
        headers: { cookie: stranger, "content-type": "application/json" },
        body: JSON.stringify({
          model: "gpt-5-mini",
          conversationId: id,
          messages: [{ role: "user", content: "let me in" }],
        }),
      }),
      404,
      "not_found",
    );
    expect(await rowCounts()).toEqual(before);
  });

  it("cannot join the room over WebSocket, even with forged identity headers", async () => {
    const owner = await newGuest();
    const stranger = await newGuest();
    const id = await createConversation(owner);
    const ownerId = (
      await (
        await workerFetch("/api/v1/session", { headers: { cookie: owner } })
      ).json<{ user: { id: string } }>()
    ).user.id;

    expect(await roomEntry(id, stranger)).toBe("not_found 4404");
    const forged = await roomEntry(id, stranger, "", {
      "x-parley-user-id": ownerId,
      "x-parley-role": "owner",
    });
    expect(forged).toBe("not_found 4404");
    expect(await roomEntry(id, owner)).toBe("entered");
    const anonymous = await workerFetch(`/parties/conversation/${id}`, { headers: { upgrade: "websocket" } });
    await expectErrorShape(anonymous, 401, "unauthorized");
  });

  it("never receives frames from a room it was refused, while the owner streams", async () => {
    const owner = await newGuest();
    const id = await createConversation(owner);
    const client = await connectRoom(id, owner);
    client.send({ type: "send", content: slowPrompt(uniqueTag("private"), 10, 1), model: "gpt-5-mini" });
    await client.waitFor(isType("done"));
    const stranger = await newGuest();
    expect(await roomEntry(id, stranger)).toBe("not_found 4404");
    client.close();
  });
});
