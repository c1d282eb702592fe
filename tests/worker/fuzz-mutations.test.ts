// Mutations of one valid body per JSON route (truncation, retyped or dropped fields, injected
// characters and raw bytes), from a fixed seed: every body that is no longer valid gets a 4xx in
// the one error shape, never a 5xx, and no row of any table changes.
import { env } from "cloudflare:workers";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  adminModelPatchSchema,
  defaultModelSchema,
  globalLimitsSchema,
  limitOverridesSchema,
} from "#protocol/admin";
import { checkoutRequestSchema, grantPlanSchema, planUpdateSchema } from "#protocol/billing";
import {
  changeEmailSchema,
  changePasswordSchema,
  chatStreamRequestSchema,
  conversationPatchSchema,
  createConversationSchema,
  emailLinkSchema,
  forgotPasswordSchema,
  resetPasswordSchema,
  saveKeySchema,
  signInSchema,
  signUpSchema,
} from "#protocol/http";
import { sharePutSchema } from "#protocol/sharing";
import { createTokenSchema } from "#protocol/tokens";
import { parseMessagesCall } from "../../worker/compat/anthropic-messages-request";
import { parseChatCompletion } from "../../worker/compat/openai-chat-request";
import { parseResponsesCall } from "../../worker/compat/openai-responses-request";
import { createConversation, newGuest, workerFetch } from "./helpers";
import { random, mutate, type Rng } from "./mutations";

const ADMIN = "Bearer test-admin-token-at-least-32-characters-long";

interface Route {
  method: string;
  path: string;
  /** Who calls: a guest, a signed-in member, the admin token, or the member's API token. */
  as: "guest" | "member" | "admin" | "api";
  /** The route's own check of a body (its zod schema, or the compatible API's parser). */
  schema: z.ZodType | ((body: unknown) => unknown);
  valid: unknown;
}

function accepts(route: Route, body: unknown): boolean {
  if (typeof route.schema !== "function") return route.schema.safeParse(body).success;
  try {
    route.schema(body);
    return true;
  } catch {
    return false;
  }
}

/** Rows per table, every table of the database. */
async function counts(): Promise<Record<string, number>> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'd1_%' AND name NOT LIKE '%fts_%'",
  ).all<{ name: string }>();
  const out: Record<string, number> = {};
  for (const { name } of tables.results) {
    out[name] = (await env.DB.prepare(`SELECT count(*) AS n FROM "${name}"`).first<{ n: number }>())?.n ?? -1;
  }
  return out;
}

/** The body as the worker will read it: JSON, and still valid for the route? */
function stillValid(route: Route, body: string | Uint8Array): boolean {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return accepts(route, parsed);
}

describe("mutated request bodies", () => {
  it("are refused with a 4xx in the one error shape, and write nothing", async () => {
    const guest = await newGuest();
    const conversationId = await createConversation(guest);
    const signup = await workerFetch("/api/v1/auth/signup", {
      method: "POST",
      headers: { cookie: guest, "content-type": "application/json" },
      body: JSON.stringify({ email: "mutations@example.com", password: "mutating password" }),
    });
    const member = signup.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const memberId = (
      await (
        await workerFetch("/api/v1/session", { headers: { cookie: member } })
      ).json<{
        user: { id: string };
      }>()
    ).user.id;
    const created = await workerFetch("/api/v1/tokens", {
      method: "POST",
      headers: { cookie: member, "content-type": "application/json" },
      body: JSON.stringify({ name: "fuzz" }),
    });
    const { secret } = await created.json<{ secret: string }>();
    const other = await newGuest();
    const chatId = await createConversation(other);
    // Seed the catalogue and plans so that a first read during the run is not a change.
    await workerFetch("/api/v1/models");
    await workerFetch("/api/v1/admin/plans", { headers: { authorization: ADMIN } });

    const token = "t".repeat(40);
    const routes: Route[] = [
      {
        method: "POST",
        path: "/api/v1/chat/stream",
        as: "guest",
        schema: chatStreamRequestSchema,
        valid: {
          model: "parley-demo",
          messages: [
            { role: "user", content: "Hello" },
            { role: "assistant", content: "Hi" },
            { role: "user", content: "Tell me more" },
          ],
          system: "Be brief.",
          maxOutputTokens: 200,
          tools: false,
        },
      },
      {
        method: "POST",
        path: "/api/v1/chat/stream",
        as: "member",
        schema: chatStreamRequestSchema,
        valid: {
          model: "gpt-5-mini",
          messages: [{ role: "user", content: "Go on" }],
          conversationId: chatId,
        },
      },
      {
        method: "POST",
        path: "/api/v1/conversations",
        as: "member",
        schema: createConversationSchema,
        valid: { model: "parley-demo", systemPrompt: "Short answers." },
      },
      {
        method: "PATCH",
        path: `/api/v1/conversations/${conversationId}`,
        as: "member",
        schema: conversationPatchSchema,
        valid: { title: "A title", pinned: true, systemPrompt: "x" },
      },
      {
        method: "PUT",
        path: `/api/v1/conversations/${conversationId}/share`,
        as: "member",
        schema: sharePutSchema,
        valid: { mode: "watch" },
      },
      {
        method: "POST",
        path: "/api/v1/auth/signup",
        as: "guest",
        schema: signUpSchema,
        valid: { email: "new@example.com", password: "long enough", displayName: "New" },
      },
      {
        method: "POST",
        path: "/api/v1/auth/signin",
        as: "guest",
        schema: signInSchema,
        valid: { email: "mutations@example.com", password: "mutating password" },
      },
      {
        method: "POST",
        path: "/api/v1/auth/password",
        as: "member",
        schema: changePasswordSchema,
        valid: { currentPassword: "mutating password", newPassword: "another password" },
      },
      {
        method: "POST",
        path: "/api/v1/auth/email/verify",
        as: "guest",
        schema: emailLinkSchema,
        valid: { token },
      },
      {
        method: "POST",
        path: "/api/v1/auth/email/change/confirm",
        as: "guest",
        schema: emailLinkSchema,
        valid: { token },
      },
      {
        method: "POST",
        path: "/api/v1/auth/password/forgot",
        as: "guest",
        schema: forgotPasswordSchema,
        valid: { email: "mutations@example.com" },
      },
      {
        method: "POST",
        path: "/api/v1/auth/password/reset",
        as: "guest",
        schema: resetPasswordSchema,
        valid: { token, newPassword: "another password" },
      },
      {
        method: "POST",
        path: "/api/v1/auth/email/change",
        as: "member",
        schema: changeEmailSchema,
        valid: { email: "changed@example.com", currentPassword: "mutating password" },
      },
      {
        method: "PUT",
        path: "/api/v1/keys/openai",
        as: "member",
        schema: saveKeySchema,
        valid: { apiKey: "sk-abcdefgh1234" },
      },
      {
        method: "POST",
        path: "/api/v1/tokens",
        as: "member",
        schema: createTokenSchema,
        valid: { name: "laptop", expiresInDays: 30, keepHistory: true },
      },
      {
        method: "POST",
        path: "/api/v1/billing/checkout",
        as: "member",
        schema: checkoutRequestSchema,
        valid: { plan: "pro" },
      },
      {
        method: "PATCH",
        path: "/api/v1/admin/models/gpt-5-mini",
        as: "admin",
        schema: adminModelPatchSchema,
        valid: {
          enabled: true,
          name: "GPT",
          context: 1000,
          caps: { vision: true },
          pricing: { inputPerMTok: 1 },
        },
      },
      {
        method: "PUT",
        path: "/api/v1/admin/settings/default-model",
        as: "admin",
        schema: defaultModelSchema,
        valid: { model: "gpt-5-mini" },
      },
      {
        method: "PUT",
        path: "/api/v1/admin/settings/limits",
        as: "admin",
        schema: globalLimitsSchema,
        valid: { guest: { rateLimit: 10, monthlyCostUsd: 1.5 }, user: { rateWindowSeconds: 60 } },
      },
      {
        method: "PUT",
        path: `/api/v1/admin/users/${memberId}/limits`,
        as: "admin",
        schema: limitOverridesSchema,
        valid: { rateLimit: 5, rateWindowSeconds: 60, monthlyTokens: 1000, monthlyCostUsd: null },
      },
      {
        method: "PATCH",
        path: "/api/v1/admin/plans/pro",
        as: "admin",
        schema: planUpdateSchema,
        valid: { name: "Pro", monthlyPriceCents: 900, currency: "usd", excludedModels: ["gpt-5"] },
      },
      {
        method: "POST",
        path: `/api/v1/admin/users/${memberId}/plan`,
        as: "admin",
        schema: grantPlanSchema,
        valid: { plan: "pro" },
      },
      // The compatible APIs answer in their own dialect's error shape, with `error.message`.
      {
        method: "POST",
        path: "/v1/chat/completions",
        as: "api",
        schema: parseChatCompletion,
        valid: {
          model: "gpt-5-mini",
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Hi" },
          ],
          stream: true,
          max_tokens: 50,
          temperature: 0.5,
        },
      },
      {
        method: "POST",
        path: "/v1/messages",
        as: "api",
        schema: parseMessagesCall,
        valid: {
          model: "claude-haiku-4-5",
          max_tokens: 100,
          system: "Be brief.",
          messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
          stream: true,
        },
      },
      {
        method: "POST",
        path: "/v1/responses",
        as: "api",
        schema: parseResponsesCall,
        valid: { model: "gpt-5-mini", input: "Hi", instructions: "Be brief.", stream: true },
      },
    ];
    for (const route of routes) expect(accepts(route, route.valid), route.path).toBe(true);

    const headersFor = (route: Route): Record<string, string> => ({
      "content-type": "application/json",
      ...(route.as === "admin"
        ? { authorization: ADMIN }
        : route.as === "api"
          ? { authorization: `Bearer ${secret}` }
          : { cookie: route.as === "guest" ? guest : member }),
    });
    const before = await counts();
    const rng: Rng = random(20261207);
    const validated = new Set<string>();
    let sent = 0;
    for (let i = 0; sent < 1_250; i++) {
      const route = routes[i % routes.length]!;
      const body = mutate(rng, route.valid);
      // A mutation that left the body valid is not malformed (a changed string, say): skip it.
      if (stillValid(route, body)) continue;
      sent++;
      const response = await workerFetch(route.path, {
        method: route.method,
        headers: headersFor(route),
        body,
      });
      const text = await response.text();
      const shown =
        typeof body === "string" ? body : `bytes ${JSON.stringify(new TextDecoder().decode(body))}`;
      if (response.status < 400 || response.status >= 500) {
        throw new Error(
          `${route.method} ${route.path} answered ${response.status} to ${shown.slice(0, 300)}: ${text.slice(0, 300)}`,
        );
      }
      if (response.status === 400) validated.add(`${route.method} ${route.path}`);
      const shape =
        route.as === "api"
          ? { error: { message: expect.any(String) } }
          : { error: { code: expect.any(String), message: expect.any(String) } };
      expect(JSON.parse(text), `${route.path} ${shown.slice(0, 200)}`).toMatchObject(shape);
    }
    expect(await counts()).toEqual(before);
    expect([...validated].sort()).toEqual([...new Set(routes.map((r) => `${r.method} ${r.path}`))].sort());
  }, 180_000);
});
