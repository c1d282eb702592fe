// Structured logs and error reports: one JSON line per request with its route, status and id,
// and never a key, cookie, password, bearer token or message text in any line or Sentry event.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import * as Sentry from "@sentry/cloudflare";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../worker/http/app";
import { hashUserId, logError, logEvent, logGeneration } from "../../worker/observability/log";
import { redact } from "../../worker/observability/redact";
import { withErrorReporting } from "../../worker/observability/sentry";
import { ORIGIN, newGuest, workerFetch } from "./helpers";

const SECRETS = {
  openaiKey: "sk-proj-Zx81TopSecretKeyValue0001",
  anthropicKey: "sk-ant-api03-TopSecretAnthropic0002",
  geminiKey: "AIzaSyTopSecretGeminiKey0003abcdefgh",
  bearer: "opaque-bearer-credential-0004",
  password: "correct horse battery staple 0005",
  cookie: "cookie-value-that-must-not-leak-0006",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0b3Atc2VjcmV0In0.c2lnbmF0dXJlLXNlY3JldC0wMDA3",
  prompt: "my private question about my health 0008",
};

function leaked(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret) || text.includes(secret.slice(-12)))
    .map(([name]) => name);
}

/** Every line written to the console while a test runs, as text and as parsed JSON when it is. */
let lines: string[] = [];
beforeEach(() => {
  lines = [];
  for (const method of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

function jsonLines(): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed && typeof parsed === "object" ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

describe("request logs", () => {
  it("log route, status and request id of a request full of secrets, and none of the secrets", async () => {
    const response = await workerFetch("/api/v1/auth/signin", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${SECRETS.bearer}`,
        cookie: `parley_session=${SECRETS.cookie}; other=${SECRETS.jwt}`,
        "x-api-key": SECRETS.anthropicKey,
      },
      body: JSON.stringify({
        email: "someone@example.com",
        password: SECRETS.password,
        apiKey: SECRETS.openaiKey,
        content: SECRETS.prompt,
      }),
    });
    expect(response.status).toBe(400);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBeTruthy();

    const requestLines = jsonLines().filter((line) => line.event === "http_request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      requestId,
      method: "POST",
      route: "/api/v1/auth/signin",
      status: 400,
      errorCode: "invalid_request",
    });
    expect(typeof requestLines[0]?.durationMs).toBe("number");
    expect(lines.join("\n")).not.toBe("");
    expect(leaked(lines.join("\n"))).toEqual([]);
  });

  it("reuse cf-ray as the request id, use route patterns and hash the user id", async () => {
    const cookie = await newGuest();
    lines = [];
    const response = await workerFetch("/api/v1/conversations/not-a-real-id", {
      headers: { cookie, "cf-ray": "8f2b3c4d5e6f7a8b-AMS" },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-request-id")).toBe("8f2b3c4d5e6f7a8b-AMS");
    const session = await (
      await workerFetch("/api/v1/session", { headers: { cookie } })
    ).json<{
      user: { id: string };
    }>();

    const line = jsonLines().find((entry) => entry.requestId === "8f2b3c4d5e6f7a8b-AMS");
    expect(line).toMatchObject({
      route: "/api/v1/conversations/:id",
      status: 404,
      errorCode: "not_found",
      userHash: hashUserId(session.user.id),
    });
    expect(lines.join("\n")).not.toContain(session.user.id);
    expect(lines.join("\n")).not.toContain("not-a-real-id");
  });

  it("log a 500 as an error line with the request id and code, without the secret in the error", async () => {
    const app = createApp();
    app.get("/api/v1/__explode", () => {
      throw new Error(`upstream rejected key ${SECRETS.openaiKey} for Bearer ${SECRETS.bearer}`);
    });
    const response = await app.request(
      `${ORIGIN}/api/v1/__explode`,
      { headers: { cookie: `parley_session=${SECRETS.cookie}` } },
      env,
    );
    expect(response.status).toBe(500);
    const requestId = response.headers.get("x-request-id");
    const failure = jsonLines().find((line) => line.event === "unhandled_error");
    expect(failure).toMatchObject({ level: "error", code: "internal_error", requestId });
    expect(JSON.stringify(failure)).toContain("upstream rejected key sk-[redacted]");
    expect(jsonLines().find((line) => line.event === "http_request")).toMatchObject({
      requestId,
      status: 500,
      level: "error",
      errorCode: "internal_error",
    });
    expect(leaked(lines.join("\n"))).toEqual([]);
  });
});

describe("the redaction layer", () => {
  it("removes keys, tokens, cookies, passwords and message text from any fields", () => {
    const headers = new Headers({
      authorization: `Bearer ${SECRETS.bearer}`,
      cookie: `parley_session=${SECRETS.cookie}`,
      "set-cookie": `parley_refresh=${SECRETS.cookie}; HttpOnly`,
      "x-goog-api-key": SECRETS.geminiKey,
      "user-agent": "curl/8",
    });
    logError("something_failed", {
      headers,
      body: { password: SECRETS.password, messages: [{ role: "user", content: SECRETS.prompt }] },
      request: {
        prompt: SECRETS.prompt,
        newPassword: SECRETS.password,
        refresh_token: SECRETS.jwt,
        messages: [{ role: "user", content: SECRETS.prompt }],
      },
      url: `https://generativelanguage.googleapis.com/v1/models?key=${SECRETS.geminiKey}`,
      detail: `token ${SECRETS.jwt} and ${SECRETS.anthropicKey}`,
      error: new Error(`401 from upstream: {"apiKey":"${SECRETS.openaiKey}","text":"${SECRETS.prompt}"}`),
    });
    logEvent("note", { text: SECRETS.prompt, system: SECRETS.prompt, count: 3 });

    const output = lines.join("\n");
    expect(leaked(output)).toEqual([]);
    const [failure, note] = jsonLines();
    expect(failure).toMatchObject({
      level: "error",
      event: "something_failed",
      headers: { authorization: "[redacted]", cookie: "[redacted]", "user-agent": "curl/8" },
      body: "[redacted]",
      request: {
        prompt: `[${SECRETS.prompt.length} chars]`,
        newPassword: "[redacted]",
        refresh_token: "[redacted]",
        messages: "[1 items]",
      },
    });
    expect(String(failure?.url)).toContain("key=[redacted]");
    expect(String(failure?.detail)).toBe("token [redacted-jwt] and sk-ant-[redacted]");
    expect(note).toMatchObject({ event: "note", text: `[${SECRETS.prompt.length} chars]`, count: 3 });
  });

  it("keeps what an operator needs: codes, numbers, ids and ordinary words", () => {
    expect(redact({ status: 429, code: "rate_limited", model: "gpt-5-mini", tokens: 12, ok: true })).toEqual({
      status: 429,
      code: "rate_limited",
      model: "gpt-5-mini",
      tokens: 12,
      ok: true,
    });
    expect(redact("the skeleton key opened the desk")).toBe("the skeleton key opened the desk");
  });

  it("logs one generation line with the user id hashed, never raw", () => {
    const userId = crypto.randomUUID();
    logGeneration({
      requestId: "req-1",
      room: "conversation-1",
      userId,
      model: "gpt-5-mini",
      provider: "openai",
      inputTokens: 12,
      outputTokens: 34,
      costUsd: 0.0001,
      ttftMs: 180,
      durationMs: 900,
      status: "complete",
      finishReason: "stop",
      errorCode: null,
    });
    const [line] = jsonLines();
    expect(line).toMatchObject({
      event: "generation",
      room: "conversation-1",
      userHash: hashUserId(userId),
      model: "gpt-5-mini",
      provider: "openai",
      inputTokens: 12,
      outputTokens: 34,
      ttftMs: 180,
      durationMs: 900,
      finishReason: "stop",
    });
    expect(lines.join("\n")).not.toContain(userId);
    expect(hashUserId(userId)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("error reporting (Sentry)", () => {
  it("without SENTRY_DSN sends nothing and changes nothing", async () => {
    const sent: string[] = [];
    const app = createApp();
    // A failure, which is what would be reported if anything were.
    app.get("/api/v1/__explode", () => {
      throw new Error("something broke");
    });
    const fetch = withErrorReporting((request, workerEnv, ctx) => app.fetch(request, workerEnv, ctx), {
      transport: (options) =>
        Sentry.createTransport(options, async (request) => {
          sent.push(String(request.body));
          return { statusCode: 200 };
        }),
    });
    const ctx = createExecutionContext();
    const response = await fetch(new Request(`${ORIGIN}/api/v1/__explode`), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(500);
    expect(sent).toEqual([]);
  });

  it("with SENTRY_DSN reports an unhandled error tagged with the request id, redacted", async () => {
    const sent: string[] = [];
    const app = createApp();
    app.get("/api/v1/__explode", () => {
      // As an upstream error echoing the request would read.
      const echoed = JSON.stringify({ messages: [{ role: "user", content: SECRETS.prompt }] });
      throw new Error(`upstream rejected ${SECRETS.anthropicKey} (Bearer ${SECRETS.bearer}): ${echoed}`);
    });
    const fetch = withErrorReporting((request, workerEnv, ctx) => app.fetch(request, workerEnv, ctx), {
      transport: (options) =>
        Sentry.createTransport(options, async (request) => {
          sent.push(typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body));
          return { statusCode: 200 };
        }),
    });
    const ctx = createExecutionContext();
    const response = await fetch(
      new Request(`${ORIGIN}/api/v1/__explode?password=${encodeURIComponent(SECRETS.password)}`, {
        headers: {
          authorization: `Bearer ${SECRETS.bearer}`,
          cookie: `parley_session=${SECRETS.cookie}`,
          "cf-ray": "7a7a7a7a7a7a7a7a-LHR",
        },
      }),
      // SENTRY_DSN is an optional secret, not part of the generated Env type.
      { ...env, SENTRY_DSN: "https://publickey@sentry.invalid/1" } as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toBe("7a7a7a7a7a7a7a7a-LHR");

    const envelope = sent.join("\n");
    expect(envelope).toContain('"request_id":"7a7a7a7a7a7a7a7a-LHR"');
    expect(envelope).toContain("upstream rejected sk-ant-[redacted] (Bearer [redacted])");
    expect(leaked(envelope)).toEqual([]);
  });
});
