// Health tells the truth: while a setting is invalid (here ADMIN_TOKEN shorter than 32 characters,
// the case an operator hit) `/healthz` answers 503 with the problems, and every other route
// answers the same 503 `misconfigured` instead of a 500 on some routes and a 200 on others. D1
// that does not answer makes `/healthz` a 503 too. No answer repeats a secret's value.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/http/app";
import { version } from "../../package.json";
import { apiErrorSchema, healthSchema } from "#protocol/http";
import { ORIGIN } from "./helpers";

const SHORT_TOKEN = "short-admin-token-Xq7";
const RULE = "ADMIN_TOKEN must be at least 32 characters; generate one with `openssl rand -base64 32`";

function withEnv(overrides: Record<string, unknown>) {
  const app = createApp();
  const bindings = { ...env, ...overrides } as Env;
  return (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, bindings);
}

describe("/healthz", () => {
  it("answers 503 with the variable and its rule while ADMIN_TOKEN is too short, never the value", async () => {
    const request = withEnv({ ADMIN_TOKEN: SHORT_TOKEN });
    const response = await request("/healthz");
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain(SHORT_TOKEN);
    expect(healthSchema.parse(JSON.parse(text))).toEqual({
      ok: false,
      service: "parley",
      version,
      d1: "ok",
      problems: [RULE],
    });
  });

  it("lists every problem, each by name, and keeps a custom endpoint's key out of them", async () => {
    const apiKey = "sk-custom-endpoint-secret-0123456789";
    const request = withEnv({
      ADMIN_TOKEN: SHORT_TOKEN,
      USER_RATE_LIMIT: "lots",
      // Broken JSON around a key: the parser's own message would quote the text.
      CUSTOM_PROVIDERS: `[{"name":"gpu","apiKey":"${apiKey}" "baseURL":"http://127.0.0.1:1/v1"}]`,
    });
    const response = await request("/healthz");
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain(SHORT_TOKEN);
    const { problems } = healthSchema.parse(JSON.parse(text));
    expect(problems?.toSorted()).toEqual([RULE, "USER_RATE_LIMIT: must be a non-negative number"]);

    // CUSTOM_PROVIDERS is checked once the schema passes.
    const custom = await withEnv({ CUSTOM_PROVIDERS: `[{"apiKey":"${apiKey}" }` })("/healthz");
    const customText = await custom.text();
    expect(customText).not.toContain(apiKey);
    expect(healthSchema.parse(JSON.parse(customText)).problems).toEqual([
      expect.stringMatching(/^CUSTOM_PROVIDERS is not valid JSON \(at position \d+\)$/),
    ]);
  });

  it("answers 503 naming D1 when the database does not answer", async () => {
    const unreachable = {
      prepare: () => {
        throw new Error("D1_ERROR: network connection lost");
      },
    };
    const response = await withEnv({ DB: unreachable })("/healthz");
    expect(response.status).toBe(503);
    expect(healthSchema.parse(await response.json())).toEqual({
      ok: false,
      service: "parley",
      version,
      d1: "unreachable",
      problems: ["D1 (binding DB) does not answer"],
    });
  });

  it("answers 200 ok, without problems, when all is well", async () => {
    const response = await withEnv({})("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, service: "parley", version, d1: "ok" });
  });
});

describe("every other route while misconfigured", () => {
  const request = withEnv({ ADMIN_TOKEN: SHORT_TOKEN });
  const json = { "content-type": "application/json", origin: ORIGIN };

  it("answers the same 503 misconfigured in the API's one shape, with the same words as /healthz", async () => {
    const calls: [string, RequestInit][] = [
      // One that reads the configuration, one that does not, and the ones in between.
      ["/api/v1/session", {}],
      ["/api/v1/openapi.json", {}],
      ["/api/v1/models", {}],
      ["/api/v1/admin/models", { headers: { authorization: `Bearer ${SHORT_TOKEN}` } }],
      [
        "/api/v1/admin/models",
        { headers: { authorization: "Bearer test-admin-token-at-least-32-characters-long" } },
      ],
      ["/api/v1/auth/sign-in", { method: "POST", headers: json, body: "{}" }],
      ["/api/v1/billing/webhook", { method: "POST", headers: json, body: "{}" }],
      ["/api/v1/no-such-route", {}],
      ["/parties/conversation-room/some-room", { headers: { upgrade: "websocket" } }],
    ];
    for (const [path, init] of calls) {
      const response = await request(path, init);
      expect(response.status, path).toBe(503);
      const text = await response.text();
      expect(text, path).not.toContain(SHORT_TOKEN);
      const body = apiErrorSchema.parse(JSON.parse(text));
      expect(body.error, path).toMatchObject({
        code: "misconfigured",
        message: `The server is misconfigured: ${RULE}.`,
      });
      // No session is handed out by a server that cannot check it.
      expect(response.headers.get("set-cookie"), path).toBeNull();
    }
  });

  it("answers the compatible API with the same 503, in the shape its SDKs read", async () => {
    const openai = await request("/v1/models", { headers: { authorization: "Bearer pk_live_whatever" } });
    expect(openai.status).toBe(503);
    expect(openai.headers.get("x-should-retry")).toBe("false");
    const openaiBody = await openai.json<{ error: { message: string; code: string } }>();
    expect(openaiBody.error).toMatchObject({ code: "misconfigured", message: expect.stringContaining(RULE) });

    const anthropic = await request("/v1/messages", {
      method: "POST",
      headers: { "x-api-key": "pk_live_whatever", "content-type": "application/json" },
      body: "{}",
    });
    expect(anthropic.status).toBe(503);
    const anthropicBody = await anthropic.json<{ type: string; error: { message: string } }>();
    expect(anthropicBody.type).toBe("error");
    expect(anthropicBody.error.message).toContain(RULE);
  });
});
