// Personal access tokens: the secret is shown once and stored only as a hash; a token stops working
// the moment it is revoked, expires or its owner is banned; guests cannot have any; admins can list
// and revoke anyone's, audited; no secret reaches a log line. Also: chats made through the API
// carry the token's name to the sidebar.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authenticateToken, createToken, LAST_USED_GRANULARITY_MS } from "../../worker/compat/tokens";
import { database } from "../../worker/db/queries";
import { redact } from "../../worker/observability/redact";
import { adminTokenListSchema, MAX_LIVE_TOKENS, tokenListSchema } from "#protocol/tokens";
import { Browser } from "./browser";
import { createConversation, workerFetch } from "./helpers";
import { connectHub } from "./hub-client";

const ADMIN_TOKEN = "test-admin-token-at-least-32-characters-long";

interface TokenBody {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  keepHistory: boolean;
}

const uniqueEmail = () => `tokens-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function account(): Promise<{ browser: Browser; id: string }> {
  const browser = await Browser.signedUp(uniqueEmail());
  return { browser, id: (await browser.me()).id };
}

async function create(browser: Browser, body: unknown): Promise<{ token: TokenBody; secret: string }> {
  const response = await browser.post("/api/v1/tokens", body);
  expect(response.status).toBe(201);
  return response.json();
}

async function listed(browser: Browser): Promise<{ text: string; tokens: TokenBody[] }> {
  const response = await browser.fetch("/api/v1/tokens");
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, tokens: tokenListSchema.parse(JSON.parse(text)).tokens };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const sql = (query: string, ...values: unknown[]) =>
  env.DB.prepare(query)
    .bind(...values)
    .run();

function asAdmin(path: string, method = "GET"): Promise<Response> {
  return workerFetch(`/api/v1/admin${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
}

afterEach(() => vi.restoreAllMocks());

describe("creating and listing tokens", () => {
  it("shows the secret once, then only its prefix; keeps history unless told not to", async () => {
    const { browser } = await account();
    const { token, secret } = await create(browser, { name: "  laptop script  " });
    expect(secret).toMatch(/^pk_live_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      name: "laptop script",
      keepHistory: true,
      expiresAt: null,
      lastUsedAt: null,
    });
    expect(token.prefix).toBe(secret.slice(0, 12));

    const quiet = await create(browser, { name: "ci", expiresInDays: 30, keepHistory: false });
    expect(quiet.token.keepHistory).toBe(false);
    expect(quiet.token.expiresAt).toBe(quiet.token.createdAt + 30 * 24 * 3600 * 1000);

    const { text, tokens } = await listed(browser);
    expect(tokens.map((t) => t.name)).toEqual(["ci", "laptop script"]);
    expect(tokens[1]).toEqual(token);
    expect(text).not.toContain(secret.slice(12));
    expect(text).not.toContain(quiet.secret.slice(12));
  });

  it("stores the SHA-256 of the secret, never the secret itself", async () => {
    const { browser } = await account();
    const { token, secret } = await create(browser, { name: "stored" });
    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?").bind(token.id).first();
    expect(row?.secret_hash).toBe(await sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
  });

  it("refuses names and expiries out of range with a 400 naming the field", async () => {
    const { browser } = await account();
    for (const body of [
      { name: "   " },
      { name: "x".repeat(81) },
      { name: "ok", expiresInDays: 0 },
      { name: "ok", expiresInDays: 366 },
      { name: "ok", keepHistory: "yes" },
    ]) {
      const response = await browser.post("/api/v1/tokens", body);
      expect(response.status).toBe(400);
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("invalid_request");
      expect(error.message).toMatch(/^(name|expiresInDays|keepHistory):/);
    }
    expect((await listed(browser)).tokens).toEqual([]);
  });

  it(`holds at most ${MAX_LIVE_TOKENS} live tokens per account (409), room again after a revoke`, async () => {
    const { browser, id } = await account();
    const db = database(env.DB);
    for (let i = 0; i < MAX_LIVE_TOKENS; i++) await createToken(db, id, { name: `t${i}` });
    const refused = await browser.post("/api/v1/tokens", { name: "one more" });
    expect(refused.status).toBe(409);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe("too_many_tokens");

    const [oldest] = (await listed(browser)).tokens.slice(-1);
    expect((await browser.fetch(`/api/v1/tokens/${oldest?.id}`, { method: "DELETE" })).status).toBe(204);
    await create(browser, { name: "one more" });
  });

  it("is for accounts only: a guest gets 403 saying so", async () => {
    const guest = await Browser.guest();
    for (const response of [
      await guest.fetch("/api/v1/tokens"),
      await guest.post("/api/v1/tokens", { name: "sneaky" }),
    ]) {
      expect(response.status).toBe(403);
      expect((await response.json<{ error: { message: string } }>()).error.message).toMatch(
        /need an account/,
      );
    }
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM api_tokens WHERE name = 'sneaky'").first();
    expect(rows?.n).toBe(0);
  });
});

describe("authenticating and revoking", () => {
  it("finds the caller by the secret, and refuses forged, altered and foreign-shaped secrets", async () => {
    const { browser, id } = await account();
    const { token, secret } = await create(browser, { name: "robot", keepHistory: false });
    expect(await authenticateToken(env, secret)).toEqual({
      tokenId: token.id,
      tokenName: "robot",
      keepHistory: false,
      userId: id,
    });
    const last = secret.at(-1) === "A" ? "B" : "A";
    for (const forged of [
      `pk_live_${"A".repeat(43)}`,
      secret.slice(0, -1) + last,
      secret.slice(0, -1),
      secret.replace("pk_live_", "sk_live_"),
      token.prefix,
      "",
    ]) {
      expect(await authenticateToken(env, forged)).toBeNull();
    }
  });

  it("notes when a token was last used, at most once a minute", async () => {
    const { browser } = await account();
    const { token, secret } = await create(browser, { name: "busy" });
    const lastUsed = async () =>
      (
        await env.DB.prepare("SELECT last_used_at AS t FROM api_tokens WHERE id = ?").bind(token.id).first<{
          t: number | null;
        }>()
      )?.t;
    const before = Date.now();
    await authenticateToken(env, secret);
    const first = await lastUsed();
    expect(first).toBeGreaterThanOrEqual(before);
    expect((await listed(browser)).tokens[0]?.lastUsedAt).toBe(first);

    // Within the minute: left alone (no write per call).
    const recent = Date.now() - 10_000;
    await sql("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", recent, token.id);
    await authenticateToken(env, secret);
    expect(await lastUsed()).toBe(recent);

    // Older than a minute: brought up to date, through waitUntil when the caller hands it over.
    await sql(
      "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
      Date.now() - LAST_USED_GRANULARITY_MS - 1,
      token.id,
    );
    const pending: Promise<unknown>[] = [];
    await authenticateToken(env, secret, { waitUntil: (p) => pending.push(p) });
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(await lastUsed()).toBeGreaterThanOrEqual(before);
  });

  it("revokes at once; revoking again, or someone else's token, is a 404", async () => {
    const owner = await account();
    const other = await account();
    const { token, secret } = await create(owner.browser, { name: "mine" });

    const foreign = await other.browser.fetch(`/api/v1/tokens/${token.id}`, { method: "DELETE" });
    expect(foreign.status).toBe(404);
    expect(await authenticateToken(env, secret)).not.toBeNull();

    expect((await owner.browser.fetch(`/api/v1/tokens/${token.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await authenticateToken(env, secret)).toBeNull();
    expect((await listed(owner.browser)).tokens).toEqual([]);
    expect((await owner.browser.fetch(`/api/v1/tokens/${token.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses an expired token, and the tokens of a banned, ended or non-account owner", async () => {
    const { browser, id } = await account();
    const { token, secret } = await create(browser, { name: "soon", expiresInDays: 1 });
    await sql("UPDATE api_tokens SET expires_at = ? WHERE id = ?", Date.now() - 1, token.id);
    expect(await authenticateToken(env, secret)).toBeNull();
    const expired = (await listed(browser)).tokens.find((t) => t.id === token.id);
    expect(expired?.expiresAt).toBeLessThan(Date.now());

    const live = await create(browser, { name: "live" });
    expect(await authenticateToken(env, live.secret)).not.toBeNull();
    for (const [change, undo] of [
      ["UPDATE users SET banned_at = 1 WHERE id = ?", "UPDATE users SET banned_at = NULL WHERE id = ?"],
      ["UPDATE users SET ended_at = 1 WHERE id = ?", "UPDATE users SET ended_at = NULL WHERE id = ?"],
      ["UPDATE users SET kind = 'guest' WHERE id = ?", "UPDATE users SET kind = 'user' WHERE id = ?"],
    ] as const) {
      await sql(change, id);
      expect(await authenticateToken(env, live.secret), change).toBeNull();
      await sql(undo, id);
      expect(await authenticateToken(env, live.secret), undo).not.toBeNull();
    }
  });

  it("a ban through the admin API stops the person's tokens on their next call", async () => {
    const { browser, id } = await account();
    const { secret } = await create(browser, { name: "script" });
    expect((await asAdmin(`/users/${id}/ban`, "POST")).status).toBe(200);
    expect(await authenticateToken(env, secret)).toBeNull();
  });
});

describe("the admin's view", () => {
  it("lists a person's tokens (revoked too, no secrets) and revokes any of them, audited", async () => {
    const { browser, id } = await account();
    const kept = await create(browser, { name: "kept" });
    const gone = await create(browser, { name: "gone" });
    await browser.fetch(`/api/v1/tokens/${gone.token.id}`, { method: "DELETE" });

    const list = await asAdmin(`/users/${id}/tokens`);
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(kept.secret.slice(12));
    expect(text).not.toContain(await sha256Hex(kept.secret));
    const { tokens } = adminTokenListSchema.parse(JSON.parse(text));
    expect(tokens.map((t) => [t.name, t.userId, t.revokedAt === null])).toEqual([
      ["gone", id, false],
      ["kept", id, true],
    ]);

    expect((await asAdmin(`/tokens/${kept.token.id}`, "DELETE")).status).toBe(204);
    expect(await authenticateToken(env, kept.secret)).toBeNull();
    const audit = await env.DB.prepare(
      "SELECT actor, detail FROM audit_log WHERE action = 'token.revoke' AND target = ?",
    )
      .bind(kept.token.id)
      .all<{ actor: string; detail: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]?.actor).toBe("token");
    expect(JSON.parse(audit.results[0]?.detail ?? "{}")).toEqual({
      userId: id,
      name: "kept",
      prefix: kept.token.prefix,
    });

    // Already revoked, or never existed: 404 and nothing more in the log.
    expect((await asAdmin(`/tokens/${kept.token.id}`, "DELETE")).status).toBe(404);
    expect((await asAdmin(`/tokens/no-such-token`, "DELETE")).status).toBe(404);
    expect((await asAdmin(`/users/no-such-person/tokens`)).status).toBe(404);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE target = ?")
      .bind(kept.token.id)
      .first();
    expect(after?.n).toBe(1);
  });

  it("is refused to members", async () => {
    const { browser, id } = await account();
    expect((await browser.fetch(`/api/v1/admin/users/${id}/tokens`)).status).toBe(403);
  });
});

describe("secrets and logs", () => {
  it("no secret reaches the console while tokens are created, used, listed and revoked", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });
    }
    const { browser, id } = await account();
    const { token, secret } = await create(browser, { name: "quiet" });
    await authenticateToken(env, secret);
    await authenticateToken(env, `${secret}x`);
    await listed(browser);
    await asAdmin(`/users/${id}/tokens`);
    await browser.fetch(`/api/v1/tokens/${token.id}`, { method: "DELETE" });
    await authenticateToken(env, secret);

    const joined = lines.join("\n");
    // The capture saw the requests that carried the secret; without them the check proves nothing.
    expect(joined).toContain('"route":"/api/v1/tokens"');
    expect(joined).not.toContain(secret.slice(12));
  });

  it("masks a token that ends up inside a logged message", () => {
    const secret = `pk_live_${"Q".repeat(43)}`;
    const line = redact({ message: `client sent ${secret} twice` });
    expect(JSON.stringify(line)).not.toContain("QQQQ");
    expect(JSON.stringify(line)).toContain("pk_live_[redacted]");
  });
});

describe("chats made through the API", () => {
  it("carry the token's name in the conversation list and in the hub's pushes", async () => {
    const { browser } = await account();
    const plain = await createConversation(browser.cookie);
    const viaApi = await createConversation(browser.cookie);
    await sql("UPDATE conversations SET api_token_name = 'laptop script' WHERE id = ?", viaApi);

    const response = await browser.fetch("/api/v1/conversations");
    const { conversations } = await response.json<{
      conversations: Array<{ id: string; apiTokenName: string | null }>;
    }>();
    expect(conversations.find((c) => c.id === viaApi)?.apiTokenName).toBe("laptop script");
    expect(conversations.find((c) => c.id === plain)?.apiTokenName).toBeNull();

    const hub = await connectHub(browser.cookie);
    await browser.fetch(`/api/v1/conversations/${viaApi}`, { method: "PATCH", json: { title: "Renamed" } });
    const pushed = await hub.waitFor(
      (frame) => frame.type === "conversation" && frame.conversation.id === viaApi,
    );
    expect(pushed.type === "conversation" && pushed.conversation.apiTokenName).toBe("laptop script");
    hub.close();
  });
});
