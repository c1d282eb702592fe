// The admin API: who may use it (an admin account's cookie, or the ADMIN_TOKEN bearer), and that
// what an admin changes takes effect on the very next request: limits, bans, the model catalogue.
// Every change leaves a row in the audit log. vitest.config.ts sets ADMIN_TOKEN and ADMIN_EMAILS.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { createConversation, newGuest, readSse, uniqueTag, workerFetch } from "./helpers";
import { nthMailTo, tokenIn } from "./mailbox";
import { Browser, PASSWORD } from "./browser";

const TOKEN = "test-admin-token-at-least-32-characters-long";

let counter = 0;
const uniqueEmail = () => `member${Date.now()}${counter++}@example.com`;

async function signUp(email: string): Promise<{ browser: Browser; id: string }> {
  const browser = new Browser();
  const response = await browser.fetch("/api/v1/auth/signup", {
    method: "POST",
    json: { email, password: PASSWORD },
  });
  expect(response.status).toBe(200);
  const session = await browser.fetch("/api/v1/session");
  const { user } = await session.json<{ user: { id: string } }>();
  return { browser, id: user.id };
}

/** Signs up with a listed email and follows the confirmation link mailed to it. */
async function signUpVerified(email: string): Promise<{ browser: Browser; id: string }> {
  const account = await signUp(email);
  const token = tokenIn(await nthMailTo(email.toLowerCase()), "/verify");
  const verified = await account.browser.fetch("/api/v1/auth/email/verify", {
    method: "POST",
    json: { token },
  });
  expect(verified.status).toBe(200);
  return account;
}

let adminAccount: Promise<{ browser: Browser; id: string }> | undefined;
/**
 * The admin of this file: an account whose email is listed in ADMIN_EMAILS (in another case) and
 * verified.
 */
const admin = () => (adminAccount ??= signUpVerified("OPS@example.com"));

/** A scripted admin call with the bearer token. */
function asToken(
  path: string,
  init: { method?: string; json?: unknown; token?: string } = {},
): Promise<Response> {
  return workerFetch(`/api/v1/admin${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.token ?? TOKEN}`,
      ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
}

async function errorCode(response: Response): Promise<string> {
  return (await response.json<{ error: { code: string } }>()).error.code;
}

/** One chat request with the demo model (no upstream), as `cookie` from `ip`. */
async function chat(cookie: string, ip: string, model = "parley-demo"): Promise<Response> {
  const response = await workerFetch("/api/v1/chat/stream", {
    method: "POST",
    headers: { cookie, "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello there" }] }),
  });
  // Read every answer to its end, so its usage is recorded before the next request.
  if (response.status === 200) await readSse(response.clone());
  return response;
}

interface AuditRow {
  actor: string;
  action: string;
  target: string;
  detail: string;
}

async function auditRows(action: string): Promise<AuditRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT actor, action, target, detail FROM audit_log WHERE action = ? ORDER BY created_at",
  )
    .bind(action)
    .all<AuditRow>();
  return results;
}

async function auditCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())?.n ?? -1;
}

afterEach(async () => {
  // Global settings outlive a test; put the environment's defaults back.
  await env.DB.prepare("DELETE FROM settings").run();
});

describe("access", () => {
  it("refuses guests and members (403) and a wrong or malformed token (401)", async () => {
    const guest = await newGuest();
    const asGuest = await workerFetch("/api/v1/admin/models", { headers: { cookie: guest } });
    expect(asGuest.status).toBe(403);
    expect(await errorCode(asGuest)).toBe("forbidden");

    const member = await signUp(uniqueEmail());
    const asMember = await member.browser.fetch("/api/v1/admin/users");
    expect(asMember.status).toBe(403);
    expect(await errorCode(asMember)).toBe("forbidden");
    const memberSession = await member.browser.fetch("/api/v1/session");
    expect((await memberSession.json<{ user: { role: string } }>()).user.role).toBe("member");

    const wrong = await asToken("/models", { token: `${TOKEN}-but-not-quite` });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe("invalid_token");
    const basic = await workerFetch("/api/v1/admin/models", {
      headers: { authorization: `Basic ${btoa(TOKEN)}` },
    });
    expect(basic.status).toBe(401);

    // A bad token is not rescued by an admin's cookie riding along.
    const { browser } = await admin();
    const mixed = await browser.fetch("/api/v1/admin/models", { headers: { authorization: "Bearer nope" } });
    expect(mixed.status).toBe(401);

    // Nothing was changed by the refused writes.
    const before = await auditCount();
    const refused = await member.browser.fetch("/api/v1/admin/models/gpt-5-mini", {
      method: "PATCH",
      json: { enabled: false },
    });
    expect(refused.status).toBe(403);
    expect(await auditCount()).toBe(before);
  });

  it("lets the token through without a session or an Origin", async () => {
    const response = await asToken("/models");
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toBeNull();
    const body = await response.json<{
      models: Array<{ id: string; enabled: boolean; available: boolean }>;
    }>();
    expect(body.models.map((model) => model.id)).toContain("gpt-5-mini");
    expect(body.models.every((model) => typeof model.available === "boolean")).toBe(true);
  });

  it("makes an account whose verified email is in ADMIN_EMAILS an admin, any case", async () => {
    const { browser, id } = await admin();
    const session = await browser.fetch("/api/v1/session");
    expect((await session.json<{ user: { id: string; role: string } }>()).user).toMatchObject({
      id,
      role: "admin",
    });
    expect((await browser.fetch("/api/v1/admin/models")).status).toBe(200);

    // Signing in on another browser grants the role too.
    const laptop = new Browser();
    const signIn = await laptop.fetch("/api/v1/auth/signin", {
      method: "POST",
      json: { email: "ops@example.com", password: PASSWORD },
    });
    expect((await signIn.json<{ user: { role: string } }>()).user.role).toBe("admin");
    expect((await laptop.fetch("/api/v1/admin/audit")).status).toBe(200);
  });

  it("keeps the Origin check for cookie requests", async () => {
    const { browser } = await admin();
    const forged = await browser.fetch("/api/v1/admin/settings/limits", {
      method: "PUT",
      headers: { origin: "https://evil.example" },
      json: { guest: { rateLimit: 1 }, user: {} },
    });
    expect(forged.status).toBe(403);
    expect(await errorCode(forged)).toBe("bad_origin");
    expect(await auditRows("settings.limits")).toHaveLength(0);
  });

  it("answers an unknown admin path with a 404 in the standard shape", async () => {
    const response = await asToken("/nothing-here");
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe("not_found");
  });
});

// These limits are the real models'; the demo model has its own (demo-limit.test.ts).
describe("limits", () => {
  it("applies a changed guest limit to the very next chat request", async () => {
    const guest = await newGuest();
    const ip = "198.51.100.21";
    const set = await asToken("/settings/limits", {
      method: "PUT",
      json: { guest: { rateLimit: 1 }, user: {} },
    });
    expect(set.status).toBe(200);
    const view = await set.json<{ effective: { guest: { rateLimit: number; rateWindowSeconds: number } } }>();
    expect(view.effective.guest).toMatchObject({ rateLimit: 1, rateWindowSeconds: 300 });

    const first = await chat(guest, ip, "gpt-5-mini");
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit-Limit")).toBe("1");
    const second = await chat(guest, ip, "gpt-5-mini");
    expect(second.status).toBe(429);
    expect(await errorCode(second)).toBe("rate_limited");
    expect(Number(second.headers.get("Retry-After"))).toBeGreaterThan(0);

    // Raising it again is just as immediate: the same address may send once more.
    await asToken("/settings/limits", { method: "PUT", json: { guest: { rateLimit: 2 }, user: {} } });
    expect((await chat(guest, ip, "gpt-5-mini")).status).toBe(200);

    const [entry] = (await auditRows("settings.limits")).slice(-1);
    expect(entry).toMatchObject({ actor: "token", target: "limits" });
    expect(JSON.parse(entry?.detail ?? "{}")).toMatchObject({
      before: { guest: { rateLimit: 1 } },
      after: { guest: { rateLimit: 2 } },
    });
  });

  it("applies a per-person override over the tier's limit, and null clears it", async () => {
    const member = await signUp(uniqueEmail());
    const ip = "198.51.100.22";
    const set = await asToken(`/users/${member.id}/limits`, { method: "PUT", json: { rateLimit: 1 } });
    expect(set.status).toBe(200);
    expect((await set.json<{ user: { limits: { rateLimit: number } } }>()).user.limits.rateLimit).toBe(1);

    expect((await chat(member.browser.cookie, ip, "gpt-5-mini")).status).toBe(200);
    const limited = await chat(member.browser.cookie, ip, "gpt-5-mini");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("RateLimit-Limit")).toBe("1");

    // An override beats the admin's tier setting, whichever is larger.
    await asToken("/settings/limits", { method: "PUT", json: { guest: {}, user: { rateLimit: 500 } } });
    expect((await chat(member.browser.cookie, ip, "gpt-5-mini")).status).toBe(429);

    const cleared = await asToken(`/users/${member.id}/limits`, { method: "PUT", json: { rateLimit: null } });
    expect(cleared.status).toBe(200);
    const next = await chat(member.browser.cookie, ip, "gpt-5-mini");
    expect(next.status).toBe(200);
    expect(next.headers.get("RateLimit-Limit")).toBe("500");

    const [entry] = await auditRows("user.limits");
    expect(entry).toMatchObject({ actor: "token", target: member.id });
  });

  it("applies a per-person monthly token cap before the next generation", async () => {
    const member = await signUp(uniqueEmail());
    await asToken(`/users/${member.id}/limits`, { method: "PUT", json: { monthlyTokens: 1 } });
    expect((await chat(member.browser.cookie, "198.51.100.23", "gpt-5-mini")).status).toBe(200);
    const blocked = await chat(member.browser.cookie, "198.51.100.23", "gpt-5-mini");
    expect(blocked.status).toBe(429);
    expect(await errorCode(blocked)).toBe("quota_exhausted");
  });

  it("refuses limits out of bounds, changing nothing", async () => {
    const before = await auditCount();
    for (const json of [
      { guest: { rateLimit: 0 }, user: {} },
      { guest: { rateLimit: 1.5 } },
      { guest: {}, extra: 1 },
    ]) {
      const response = await asToken("/settings/limits", { method: "PUT", json });
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe("invalid_request");
    }
    const missing = await asToken("/users/no-such-person/limits", { method: "PUT", json: { rateLimit: 5 } });
    expect(missing.status).toBe(404);
    expect(await auditCount()).toBe(before);
    const view = await (
      await asToken("/settings/limits")
    ).json<{ effective: { guest: { rateLimit: number } } }>();
    expect(view.effective.guest.rateLimit).toBe(10);
  });
});

describe("bans", () => {
  it("blocks a banned account from every API and room request, and unbanning restores it", async () => {
    const member = await signUp(uniqueEmail());
    const conversation = await createConversation(member.browser.cookie);
    const { browser: adminBrowser, id: adminId } = await admin();

    const ban = await adminBrowser.fetch(`/api/v1/admin/users/${member.id}/ban`, { method: "POST" });
    expect(ban.status).toBe(200);
    expect((await ban.json<{ user: { bannedAt: number | null } }>()).user.bannedAt).toBeGreaterThan(0);

    for (const path of [
      "/api/v1/session",
      "/api/v1/conversations",
      `/api/v1/conversations/${conversation}`,
    ]) {
      const response = await member.browser.fetch(path);
      expect(response.status, path).toBe(403);
      expect(await errorCode(response)).toBe("banned");
    }
    expect((await chat(member.browser.cookie, "198.51.100.31")).status).toBe(403);
    const socket = await member.browser.fetch(`/parties/conversation/${conversation}`, {
      headers: { upgrade: "websocket" },
    });
    expect(socket.status).toBe(403);
    expect(socket.webSocket).toBeNull();

    const unban = await adminBrowser.fetch(`/api/v1/admin/users/${member.id}/unban`, { method: "POST" });
    expect(unban.status).toBe(200);
    const list = await member.browser.fetch("/api/v1/conversations");
    expect(list.status).toBe(200);
    expect(
      (await list.json<{ conversations: Array<{ id: string }> }>()).conversations.map((c) => c.id),
    ).toEqual([conversation]);

    const actions = [...(await auditRows("user.ban")), ...(await auditRows("user.unban"))];
    expect(actions.map((row) => [row.action, row.actor, row.target])).toEqual([
      ["user.ban", adminId, member.id],
      ["user.unban", adminId, member.id],
    ]);
  });

  it("bans a guest too, and refuses an admin banning themselves", async () => {
    const guest = await newGuest();
    await createConversation(guest);
    const me = await (
      await workerFetch("/api/v1/session", { headers: { cookie: guest } })
    ).json<{
      user: { id: string };
    }>();
    expect((await asToken(`/users/${me.user.id}/ban`, { method: "POST" })).status).toBe(200);
    expect((await workerFetch("/api/v1/conversations", { headers: { cookie: guest } })).status).toBe(403);

    const { browser, id } = await admin();
    const self = await browser.fetch(`/api/v1/admin/users/${id}/ban`, { method: "POST" });
    expect(self.status).toBe(400);
    expect((await browser.fetch("/api/v1/session")).status).toBe(200);
  });
});

describe("models", () => {
  async function publicModels(cookie: string): Promise<string[]> {
    const response = await workerFetch("/api/v1/models", { headers: { cookie } });
    return (await response.json<{ models: Array<{ id: string }> }>()).models.map((model) => model.id);
  }

  it("disabling a model removes it from GET /api/v1/models and from chat, enabling brings it back", async () => {
    const guest = await newGuest();
    expect(await publicModels(guest)).toContain("gpt-5-mini");
    const disable = await asToken("/models/gpt-5-mini", { method: "PATCH", json: { enabled: false } });
    expect(disable.status).toBe(200);
    expect((await disable.json<{ model: { enabled: boolean } }>()).model.enabled).toBe(false);

    expect(await publicModels(guest)).not.toContain("gpt-5-mini");
    const refused = await chat(guest, "198.51.100.41", "gpt-5-mini");
    expect(refused.status).toBe(400);
    expect(await errorCode(refused)).toBe("unknown_model");
    // The admin still sees it, disabled.
    const all = await (await asToken("/models")).json<{ models: Array<{ id: string; enabled: boolean }> }>();
    expect(all.models.find((model) => model.id === "gpt-5-mini")?.enabled).toBe(false);

    await asToken("/models/gpt-5-mini", { method: "PATCH", json: { enabled: true } });
    expect(await publicModels(guest)).toContain("gpt-5-mini");

    const rows = await auditRows("model.update");
    expect(rows.map((row) => [row.actor, row.target, JSON.parse(row.detail).changes])).toEqual([
      ["token", "gpt-5-mini", { enabled: false }],
      ["token", "gpt-5-mini", { enabled: true }],
    ]);
  });

  it("edits prices (ids with a slash too), and new prices show in the public catalogue", async () => {
    const response = await asToken(`/models/${encodeURIComponent("openrouter/auto")}`, {
      method: "PATCH",
      json: { pricing: { outputPerMTok: 7.5 }, maxOutput: 16_000 },
    });
    expect(response.status).toBe(200);
    const models = await (
      await workerFetch("/api/v1/models", { headers: { cookie: await newGuest() } })
    ).json<{
      models: Array<{
        id: string;
        maxOutput: number;
        pricing: { inputPerMTok: number; outputPerMTok: number };
      }>;
    }>();
    expect(models.models.find((model) => model.id === "openrouter/auto")).toMatchObject({
      maxOutput: 16_000,
      pricing: { inputPerMTok: 1, outputPerMTok: 7.5 },
    });
  });

  it("refuses unknown models, configured models and bad patches", async () => {
    const before = await auditCount();
    const cases: Array<[string, unknown, number, string]> = [
      ["/models/gpt-0", { enabled: false }, 404, "not_found"],
      [`/models/${encodeURIComponent("local/llama-test")}`, { enabled: false }, 400, "not_editable"],
      ["/models/gpt-5-mini", {}, 400, "invalid_request"],
      ["/models/gpt-5-mini", { enabled: "no" }, 400, "invalid_request"],
      ["/models/gpt-5-mini", { pricing: { inputPerMTok: -1 } }, 400, "invalid_request"],
      ["/models/gpt-5-mini", { provider: "anthropic" }, 400, "invalid_request"],
      ["/models/gpt-5-mini", { maxOutput: 900_000 }, 400, "invalid_request"],
    ];
    for (const [path, json, status, code] of cases) {
      const response = await asToken(path, { method: "PATCH", json });
      expect(response.status, path).toBe(status);
      expect(await errorCode(response)).toBe(code);
    }
    expect(await auditCount()).toBe(before);
  });

  it("sets the default model, only to an enabled one", async () => {
    const set = await asToken("/settings/default-model", {
      method: "PUT",
      json: { model: "claude-haiku-4-5" },
    });
    expect(set.status).toBe(200);
    const listed = await (await asToken("/models")).json<{ defaultModel: string | null }>();
    expect(listed.defaultModel).toBe("claude-haiku-4-5");
    // Everyone's model list now starts with it, which is what new chats use.
    const publicList = await workerFetch("/api/v1/models", { headers: { cookie: await newGuest() } });
    const body = await publicList.json<{ models: Array<{ id: string }>; defaultModel: string }>();
    expect(body.models[0]?.id).toBe("claude-haiku-4-5");
    expect(body.defaultModel).toBe("claude-haiku-4-5");
    const unknown = await asToken("/settings/default-model", { method: "PUT", json: { model: "gpt-0" } });
    expect(unknown.status).toBe(400);
    const [entry] = await auditRows("settings.default_model");
    expect(JSON.parse(entry?.detail ?? "{}")).toEqual({ before: null, after: "claude-haiku-4-5" });
  });
});

describe("people, usage and logs", () => {
  it("finds people by part of their email, with this month's usage", async () => {
    const email = uniqueEmail();
    const member = await signUp(email);
    expect((await chat(member.browser.cookie, "198.51.100.51")).status).toBe(200);
    const response = await asToken(`/users?q=${encodeURIComponent(email.slice(0, -12).toUpperCase())}`);
    expect(response.status).toBe(200);
    const { users } = await response.json<{
      users: Array<{ id: string; email: string; usage: { answers: number; tokens: number } }>;
    }>();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: member.id, email, usage: { answers: 1 } });
    expect(users[0]?.usage.tokens).toBeGreaterThan(0);

    const byId = await (
      await asToken(`/users?q=${member.id.slice(0, 8)}`)
    ).json<{ users: Array<{ id: string }> }>();
    expect(byId.users.map((user) => user.id)).toEqual([member.id]);
    expect((await asToken("/users?cursor=not-a-cursor")).status).toBe(400);
  });

  it("pages through people with a cursor, never repeating one", async () => {
    for (let i = 0; i < 3; i++) await signUp(uniqueEmail());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await (
        await asToken(`/users?kind=user&limit=2${query}`)
      ).json<{
        users: Array<{ id: string; kind: string }>;
        nextCursor: string | null;
      }>();
      expect(page.users.every((user) => user.kind === "user")).toBe(true);
      seen.push(...page.users.map((user) => user.id));
      cursor = page.nextCursor;
    } while (cursor);
    const accounts = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE kind = 'user'").first<{
      n: number;
    }>();
    expect(seen.length).toBe(accounts?.n);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("reports usage by day, by model and by person", async () => {
    const member = await signUp(uniqueEmail());
    expect((await chat(member.browser.cookie, "198.51.100.61", "gpt-5-mini")).status).toBe(200);
    const response = await asToken("/usage?days=7");
    expect(response.status).toBe(200);
    const report = await response.json<{
      byDay: Array<{ day: string; answers: number; costUsd: number }>;
      byModel: Array<{ model: string; answers: number; costUsd: number }>;
      topUsers: Array<{ userId: string; email: string | null; costUsd: number }>;
      total: { costUsd: number };
    }>();
    expect(report.byDay).toHaveLength(7);
    expect(report.byDay.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));
    expect(report.byDay.at(-1)?.costUsd).toBeGreaterThan(0);
    expect(report.byModel.find((row) => row.model === "gpt-5-mini")?.costUsd).toBeGreaterThan(0);
    expect(report.topUsers.find((row) => row.userId === member.id)?.costUsd).toBeGreaterThan(0);
    expect(report.total.costUsd).toBeCloseTo(
      report.byDay.reduce((sum, day) => sum + day.costUsd, 0),
      6,
    );
    expect((await asToken("/usage?days=0")).status).toBe(400);
  });

  it("lists moderation refusals and upstream errors without anyone's message text", async () => {
    const guest = await newGuest();
    const blocked = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { cookie: guest, "content-type": "application/json" },
      body: JSON.stringify({
        model: "parley-demo",
        messages: [{ role: "user", content: "say forbiddenword now" }],
      }),
    });
    expect(blocked.status).toBe(400);
    const tag = uniqueTag("admin-errors");
    const secret = `private words ${tag}`;
    const failed = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { cookie: guest, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: `${secret} [[case:bad-request tag=${tag}]]` }],
      }),
    });
    await readSse(failed);

    const moderation = await (
      await asToken("/moderation")
    ).json<{
      events: Array<{ check: string; category: string }>;
    }>();
    expect(moderation.events[0]).toMatchObject({ check: "blocklist", category: "blocklist" });

    const errorsResponse = await asToken("/errors");
    const text = await errorsResponse.text();
    expect(text).not.toContain(secret);
    const { errors } = JSON.parse(text) as {
      errors: Array<{ provider: string; model: string; code: string; message: string; createdAt: number }>;
    };
    expect(errors[0]).toMatchObject({ provider: "openai", model: "gpt-5-mini" });
    expect(errors[0]?.code).toBeTruthy();
    expect(errors[0]?.createdAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it("shows the audit log newest first, through the API", async () => {
    await asToken("/settings/default-model", { method: "PUT", json: { model: "parley-demo" } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await asToken("/settings/default-model", { method: "PUT", json: { model: null } });
    const { entries } = await (
      await asToken("/audit?limit=2")
    ).json<{
      entries: Array<{ action: string; actor: string; detail: { after: string | null } }>;
    }>();
    expect(entries.map((entry) => [entry.action, entry.actor, entry.detail.after])).toEqual([
      ["settings.default_model", "token", null],
      ["settings.default_model", "token", "parley-demo"],
    ]);
  });
});

describe("malformed input", () => {
  it("answers every malformed admin write with a 4xx in the standard shape, changing nothing", async () => {
    const member = await signUp(uniqueEmail());
    const structural = ["", "not json", "[]", "null", "1", '"text"', "{", '{"unknown":1}'];
    const badNumbers: unknown[] = ["5", -1, 1.5, true, [], {}, 1e13];
    const bodies: Array<[string, string, string]> = [];
    const add = (method: string, path: string, body: unknown) =>
      bodies.push([method, path, typeof body === "string" ? body : JSON.stringify(body)]);
    for (const [method, path] of [
      ["PATCH", "/models/gpt-5-mini"],
      ["PUT", "/settings/default-model"],
      ["PUT", "/settings/limits"],
      ["PUT", `/users/${member.id}/limits`],
    ] as const) {
      for (const body of structural) add(method, path, body);
    }
    for (const field of ["context", "maxOutput", "sortOrder"]) {
      // A sort order may be zero or negative; the token counts may not.
      const values =
        field === "sortOrder"
          ? [...badNumbers.filter((value) => value !== -1), null]
          : [...badNumbers, null, 0];
      for (const value of values) add("PATCH", "/models/gpt-5-mini", { [field]: value });
    }
    for (const value of ["yes", 1, null, []]) add("PATCH", "/models/gpt-5-mini", { enabled: value });
    for (const value of [-0.5, "1", null, 1e9])
      add("PATCH", "/models/gpt-5-mini", { pricing: { outputPerMTok: value } });
    add("PATCH", "/models/gpt-5-mini", { caps: { telepathy: true } });
    for (const value of [1, "", true, [], "x".repeat(300)])
      add("PUT", "/settings/default-model", { model: value });
    for (const field of ["rateLimit", "rateWindowSeconds", "monthlyTokens", "monthlyCostUsd"]) {
      for (const value of badNumbers) {
        if (field === "monthlyCostUsd" && value === 1.5) continue;
        add("PUT", "/settings/limits", { guest: { [field]: value }, user: {} });
        add("PUT", "/settings/limits", { guest: {}, user: { [field]: value } });
        add("PUT", `/users/${member.id}/limits`, { [field]: value });
      }
    }
    add("PUT", "/settings/limits", { guest: { rateLimit: 0 }, user: {} });
    add("PUT", `/users/${member.id}/limits`, { rateWindowSeconds: 0 });
    add("PUT", "/settings/limits", { guest: [], user: {} });
    add("PUT", "/settings/limits", { admin: {} });
    expect(bodies.length).toBeGreaterThan(100);

    const before = await auditCount();
    for (const [method, path, body] of bodies) {
      const sent = await workerFetch(`/api/v1/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body,
      });
      const where = `${method} ${path} ${body}`;
      expect(sent.status, where).toBeGreaterThanOrEqual(400);
      expect(sent.status, where).toBeLessThan(500);
      const error = await sent.json<{ error: { code: string; message: string } }>();
      expect(typeof error.error.code, where).toBe("string");
      expect(typeof error.error.message, where).toBe("string");
    }
    expect(await auditCount()).toBe(before);
    const settings = await env.DB.prepare("SELECT count(*) AS n FROM settings").first<{ n: number }>();
    expect(settings?.n).toBe(0);
    const row = await env.DB.prepare(
      "SELECT rate_limit, rate_window_seconds, monthly_tokens, monthly_cost_usd FROM users WHERE id = ?",
    )
      .bind(member.id)
      .first();
    expect(row).toEqual({
      rate_limit: null,
      rate_window_seconds: null,
      monthly_tokens: null,
      monthly_cost_usd: null,
    });
    const model = await env.DB.prepare(
      "SELECT enabled, context, max_output, price_output FROM models WHERE id = 'gpt-5-mini'",
    ).first();
    expect(model).toEqual({ enabled: 1, context: 400_000, max_output: 128_000, price_output: 2 });
  });
});
