// Bring your own key: stored encrypted, shown only as its last four characters, used upstream.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newGuest, uniqueTag, upstreamRequests, workerFetch } from "./helpers";

const OWN_KEY = "sk-person-own-key-ABCD1234";

async function signedInCookie(): Promise<string> {
  const guest = await newGuest();
  const response = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: guest, "content-type": "application/json" },
    body: JSON.stringify({
      email: `byok${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "long enough password",
    }),
  });
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

function keys(cookie: string, init: RequestInit & { path?: string } = {}) {
  return workerFetch(`/api/v1/keys${init.path ?? ""}`, {
    ...init,
    headers: { cookie, "content-type": "application/json", ...init.headers },
  });
}

async function chat(cookie: string, tag: string) {
  const response = await workerFetch("/api/v1/chat/stream", {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-5-mini",
      messages: [{ role: "user", content: `hi [[case:normal tag=${tag}]]` }],
    }),
  });
  return { response, text: await response.text() };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("own provider keys", () => {
  it("never writes the key, a password or a session cookie to a log line", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const cookie = await signedInCookie();
    await keys(cookie, { method: "PUT", path: "/openai", body: JSON.stringify({ apiKey: OWN_KEY }) });
    await chat(cookie, uniqueTag("quiet"));
    // A failing upstream makes the worker log; the key must not ride along.
    await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: `fail [[case:auth tag=${uniqueTag("quiet")}]]` }],
      }),
    }).then((r) => r.text());
    const session =
      cookie
        .split("; ")
        .find((c) => c.startsWith("parley_session="))
        ?.split("=")[1] ?? "";
    const joined = lines.join("\n");
    // The capture saw the requests that carried the key; without them the checks below prove nothing.
    expect(joined).toContain('"route":"/api/v1/keys/:provider"');
    expect(joined).toContain('"route":"/api/v1/chat/stream"');
    expect(joined).not.toContain(OWN_KEY);
    expect(joined).not.toContain("long enough password");
    expect(session.length).toBeGreaterThan(20);
    expect(joined).not.toContain(session);
  });

  it("stores the key encrypted, never returns it, and sends it upstream instead of the server's", async () => {
    const cookie = await signedInCookie();
    const saved = await keys(cookie, {
      method: "PUT",
      path: "/openai",
      body: JSON.stringify({ apiKey: OWN_KEY }),
    });
    expect(saved.status).toBe(200);
    const savedText = await saved.text();
    expect(savedText).not.toContain(OWN_KEY.slice(0, -4));
    expect(JSON.parse(savedText)).toMatchObject({ key: { provider: "openai", last4: "1234" } });

    const listed = await (await keys(cookie)).text();
    expect(listed).not.toContain(OWN_KEY.slice(0, -4));
    expect(JSON.parse(listed).keys).toEqual([expect.objectContaining({ provider: "openai", last4: "1234" })]);

    const row = await env.DB.prepare(
      "SELECT ciphertext, iv FROM provider_keys WHERE provider = 'openai'",
    ).first<{
      ciphertext: string;
      iv: string;
    }>();
    expect(row?.ciphertext).toBeDefined();
    expect(row?.ciphertext).not.toContain(OWN_KEY);
    expect(atob(row!.ciphertext)).not.toContain(OWN_KEY);

    const tag = uniqueTag("byok");
    const { response, text } = await chat(cookie, tag);
    expect(response.status).toBe(200);
    expect(text).not.toContain(OWN_KEY);
    const [request] = await upstreamRequests(tag);
    expect(request?.headers.authorization).toBe(`Bearer ${OWN_KEY}`);
    const conversationId = /"conversationId":"([^"]+)"/.exec(text)?.[1];
    const answer = await env.DB.prepare(
      "SELECT own_key FROM messages WHERE conversation_id = ? AND role = 'assistant'",
    )
      .bind(conversationId)
      .first<{ own_key: number }>();
    expect(answer?.own_key).toBe(1);
  });

  it("does not count own-key answers against the monthly quota", async () => {
    const cookie = await signedInCookie();
    await keys(cookie, { method: "PUT", path: "/openai", body: JSON.stringify({ apiKey: OWN_KEY }) });
    const first = await chat(cookie, uniqueTag("own-quota"));
    const conversationId = /"conversationId":"([^"]+)"/.exec(first.text)?.[1];
    await env.DB.prepare(
      "UPDATE messages SET input_tokens = 99000000 WHERE conversation_id = ? AND role = 'assistant'",
    )
      .bind(conversationId)
      .run();
    expect((await chat(cookie, uniqueTag("own-quota"))).response.status).toBe(200);
  });

  it("goes back to the server's key once deleted", async () => {
    const cookie = await signedInCookie();
    await keys(cookie, { method: "PUT", path: "/openai", body: JSON.stringify({ apiKey: OWN_KEY }) });
    expect((await keys(cookie, { method: "DELETE", path: "/openai" })).status).toBe(204);
    expect((await keys(cookie, { method: "DELETE", path: "/openai" })).status).toBe(404);
    const tag = uniqueTag("server-key");
    await chat(cookie, tag);
    const [request] = await upstreamRequests(tag);
    expect(request?.headers.authorization).toBe("Bearer sk-test-openai");
  });

  it("is for signed-in people and hosted providers only", async () => {
    const guest = await newGuest();
    expect(
      (await keys(guest, { method: "PUT", path: "/openai", body: JSON.stringify({ apiKey: OWN_KEY }) }))
        .status,
    ).toBe(401);
    const cookie = await signedInCookie();
    for (const provider of ["demo", "local", "nope"]) {
      const response = await keys(cookie, {
        method: "PUT",
        path: `/${provider}`,
        body: JSON.stringify({ apiKey: OWN_KEY }),
      });
      expect(response.status).toBe(400);
    }
    const tooShort = await keys(cookie, {
      method: "PUT",
      path: "/openai",
      body: JSON.stringify({ apiKey: "x" }),
    });
    expect(tooShort.status).toBe(400);
  });
});
