// No cache — a shared proxy's or the browser's own — keeps what the API tells one person: every
// answer, errors included, says how it may be cached, and only what is the same for everyone may be.
import type { RouteConfig } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/http/app";
import { newGuest, postChat, readSse, workerFetch } from "./helpers";

const PRIVATE = "private, no-store";

/** The ADMIN_TOKEN of vitest.config.ts. */
const ADMIN_TOKEN = "test-admin-token-at-least-32-characters-long";

const getRoutes: RouteConfig[] = createApp().openAPIRegistry.definitions.flatMap((definition) =>
  definition.type === "route" && definition.route.method === "get" ? [definition.route] : [],
);

/** The smallest valid PNG (1×1, transparent). */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

/** A member with an answered conversation, a picture sent in it, and a watch link. */
async function member() {
  const signUp = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: await newGuest(), "content-type": "application/json" },
    body: JSON.stringify({
      email: `cache-${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "long enough",
    }),
  });
  const cookie = signUp.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  // Sign-up answers alike for new and taken addresses; the session says who this is now.
  const session = await workerFetch("/api/v1/session", { headers: { cookie } });
  const { user } = await session.json<{ user: { id: string } }>();
  const upload = await workerFetch("/api/v1/attachments?name=dot.png", {
    method: "POST",
    headers: { cookie, "content-type": "image/png" },
    body: PNG,
  });
  const { attachment } = await upload.json<{ attachment: { id: string } }>();
  const chat = await postChat(cookie, {
    model: "gpt-5-mini",
    messages: [{ role: "user", content: "what is in this picture?" }],
    attachments: [attachment.id],
  });
  expect(chat.status).toBe(200);
  expect(chat.headers.get("cache-control")).toBe(`${PRIVATE}, no-transform`);
  const meta = (await readSse(chat))[0]?.data;
  const conversationId = typeof meta?.conversationId === "string" ? meta.conversationId : "";
  const share = await workerFetch(`/api/v1/conversations/${conversationId}/share`, {
    method: "PUT",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ mode: "watch" }),
  });
  const { share: link } = await share.json<{ share: { token: string } }>();
  return { cookie, userId: user.id, conversationId, token: link.token, attachmentId: attachment.id };
}

function expectedPolicy(path: string): string {
  if (path.startsWith("/api/v1/admin/")) return "no-store";
  if (path === "/api/v1/openapi.json") return "no-cache";
  if (path === "/healthz") return "no-store";
  return PRIVATE;
}

describe("Cache-Control", () => {
  it("marks every GET route's answer: private and unstored for a person's data, unstored for admins", async () => {
    const values = await member();
    const seen: Array<{ path: string; status: number; cacheControl: string | null }> = [];
    for (const route of getRoutes) {
      const path = route.path
        .replace("/admin/users/{id}", `/admin/users/${values.userId}`)
        .replace("/attachments/{id}", `/attachments/${values.attachmentId}`)
        .replace("{id}", values.conversationId)
        .replace("{token}", values.token)
        .replace("{provider}", "github");
      const headers: Record<string, string> = path.startsWith("/api/v1/admin/")
        ? { authorization: `Bearer ${ADMIN_TOKEN}` }
        : { cookie: values.cookie };
      const response = await workerFetch(`${path}${path.endsWith("/search") ? "?q=picture" : ""}`, {
        headers,
        redirect: "manual",
      });
      await response.arrayBuffer();
      seen.push({
        path: route.path,
        status: response.status,
        cacheControl: response.headers.get("cache-control"),
      });
    }
    // Each route with its policy, read from the answer; a few land on errors, which count too.
    expect(seen.map(({ path, cacheControl }) => ({ path, cacheControl }))).toEqual(
      seen.map(({ path }) => ({ path, cacheControl: expectedPolicy(path) })),
    );
    for (const path of [
      "/api/v1/admin/users",
      "/api/v1/admin/audit",
      "/api/v1/session",
      "/api/v1/usage",
      "/api/v1/keys",
      "/api/v1/account/export",
      "/api/v1/conversations/{id}/export",
      "/api/v1/attachments/{id}",
      "/api/v1/shares/{token}",
      "/api/v1/models",
    ]) {
      expect(seen.find((entry) => entry.path === path)?.status, path).toBe(200);
    }
  });

  it("marks error answers as well: unknown endpoints, bad bodies, refused admins and sockets", async () => {
    const cookie = await newGuest();
    const cases: Array<[string, RequestInit, number, string]> = [
      ["/api/v1/nowhere", { headers: { cookie } }, 404, PRIVATE],
      ["/api/v1/conversations/not-a-conversation", { headers: { cookie } }, 404, PRIVATE],
      [
        "/api/v1/conversations",
        { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{not json" },
        400,
        PRIVATE,
      ],
      ["/parties/conversation/not-a-conversation", { headers: { cookie } }, 426, PRIVATE],
      ["/api/v1/admin/users", { headers: { cookie } }, 403, "no-store"],
      ["/api/v1/admin/users", { headers: { authorization: "Bearer wrong" } }, 401, "no-store"],
    ];
    for (const [path, init, status, policy] of cases) {
      const response = await workerFetch(path, init);
      await response.arrayBuffer();
      expect({ path, status: response.status, cacheControl: response.headers.get("cache-control") }).toEqual({
        path,
        status,
        cacheControl: policy,
      });
    }
  });
});
