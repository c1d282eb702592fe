// The routes' declarations (the OpenAPI document, and the schemas the web app parses answers with)
// match what the API really does: every JSON answer fits its declared schema, and every route that
// takes a JSON body refuses one that is not JSON, or too large, the same way.
import type { RouteConfig } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../worker/http/app";
import { newGuest, postChat, readSse, workerFetch } from "./helpers";

const routes: RouteConfig[] = createApp().openAPIRegistry.definitions.flatMap((definition) =>
  definition.type === "route" ? [definition.route] : [],
);

/** The zod schema of `content`'s JSON, when it has one. */
function jsonSchemaOf(content: unknown): z.ZodType | undefined {
  const media = z.object({ "application/json": z.object({ schema: z.unknown() }) }).safeParse(content);
  const schema = media.success ? media.data["application/json"].schema : undefined;
  return schema instanceof z.ZodType ? schema : undefined;
}

function signedUpCookie(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** A member with a conversation (one answered prompt, a share link) and a saved key. */
async function member() {
  const guest = await newGuest();
  const signUp = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: guest, "content-type": "application/json" },
    body: JSON.stringify({
      email: `shapes-${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "long enough",
    }),
  });
  const cookie = signedUpCookie(signUp);
  const session = await workerFetch("/api/v1/session", { headers: { cookie } });
  const { user } = await session.json<{ user: { id: string } }>();
  const chat = await postChat(cookie, {
    model: "gpt-5-mini",
    messages: [{ role: "user", content: "hello there" }],
  });
  const meta = (await readSse(chat))[0]?.data;
  const conversationId = typeof meta?.conversationId === "string" ? meta.conversationId : "";
  const json = { cookie, "content-type": "application/json" };
  const share = await workerFetch(`/api/v1/conversations/${conversationId}/share`, {
    method: "PUT",
    headers: json,
    body: JSON.stringify({ mode: "watch" }),
  });
  const { share: link } = await share.json<{ share: { token: string } }>();
  await workerFetch("/api/v1/keys/openai", {
    method: "PUT",
    headers: json,
    body: JSON.stringify({ apiKey: "sk-shapes-test-key" }),
  });
  return { cookie, userId: user.id, conversationId, token: link.token };
}

/** Where a route's path parameters come from, for the member above. */
function concrete(path: string, values: { userId: string; conversationId: string; token: string }) {
  return path
    .replace(/^\/api\/v1\/admin\/users\/\{id\}/, `/api/v1/admin/users/${values.userId}`)
    .replace("{id}", values.conversationId)
    .replace("{token}", values.token)
    .replace(/\{[^}]+\}/g, "x");
}

/** The ADMIN_TOKEN of vitest.config.ts. */
const ADMIN_TOKEN = "test-admin-token-at-least-32-characters-long";

const QUERIES: Record<string, string> = {
  "/api/v1/search": "?q=hello",
  "/api/v1/conversations/{id}/export": "?format=json",
};

function asCaller(path: string, cookie: string): HeadersInit {
  return path.startsWith("/api/v1/admin/") ? { authorization: `Bearer ${ADMIN_TOKEN}` } : { cookie };
}

describe("the API's declared shapes", () => {
  it("every JSON answer of a GET route fits the schema the route declares", async () => {
    const values = await member();
    const failures: Array<{ route: string; status: number; issues: unknown }> = [];
    let checked = 0;
    for (const route of routes.filter((candidate) => candidate.method === "get")) {
      const success = route.responses["200"];
      const schema = success && "content" in success ? jsonSchemaOf(success.content) : undefined;
      if (!schema) continue;
      const path = concrete(route.path, values) + (QUERIES[route.path] ?? "");
      const response = await workerFetch(path, { headers: asCaller(route.path, values.cookie) });
      const result = schema.safeParse(await response.json());
      checked++;
      if (response.status !== 200 || !result.success) {
        failures.push({ route: route.path, status: response.status, issues: result.error?.issues });
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  describe("every route that takes a JSON body", () => {
    const withBody = routes.filter((route) => jsonSchemaOf(route.request?.body?.content));

    async function send(route: RouteConfig, body: string, cookie: string): Promise<Response> {
      const values = { userId: "x", conversationId: "x", token: "x" };
      return workerFetch(concrete(route.path, values), {
        method: route.method.toUpperCase(),
        headers: { ...asCaller(route.path, cookie), "content-type": "application/json" },
        body,
      });
    }

    it("refuses a body that is not JSON, or is empty where one is required, with 400 invalid_json", async () => {
      const { cookie } = await member();
      expect(withBody.length).toBeGreaterThan(10);
      for (const route of withBody) {
        const where = `${route.method} ${route.path}`;
        const malformed = await send(route, "{not json", cookie);
        expect([malformed.status, await malformed.json()], where).toEqual([
          400,
          { error: { code: "invalid_json", message: "The request body is not valid JSON." } },
        ]);
        const empty = await send(route, "", cookie);
        if (route.request?.body?.required) {
          expect(empty.status, where).toBe(400);
          expect(await empty.json(), where).toMatchObject({ error: { code: "invalid_json" } });
        } else {
          expect(empty.status, where).toBeLessThan(400);
        }
      }
    });

    it("refuses a body over 1 MB with 413 payload_too_large", async () => {
      const { cookie } = await member();
      const huge = JSON.stringify({ padding: "x".repeat(1_000_001) });
      for (const route of withBody) {
        const response = await send(route, huge, cookie);
        expect(response.status, `${route.method} ${route.path}`).toBe(413);
        expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
      }
    });
  });
});
