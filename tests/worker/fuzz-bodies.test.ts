// 1,200 malformed bodies across the JSON endpoints: each a 4xx in the standard error shape,
// never a 5xx, and no row anywhere changes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createConversation, newGuest, workerFetch } from "./helpers";
import { pick, random, type Rng } from "./mutations";

function garbageText(rng: Rng): string {
  const pieces = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    "nul",
    "tru",
    "\\u00",
    "\u0000",
    "é",
    "🎉",
    "'",
    "<x>",
    " ",
  ];
  let text = "";
  const length = 1 + Math.floor(rng() * 30);
  for (let i = 0; i < length; i++) text += pick(rng, pieces);
  return text;
}

function wrongValue(rng: Rng): unknown {
  return pick(rng, [
    () => Math.floor(rng() * 1e6) - 5e5,
    () => rng() > 0.5,
    () => null,
    () => [],
    () => [1, "two", { three: 3 }],
    () => ({ nested: { deeper: [null] } }),
    () => "",
    () => "x".repeat(40_000 + Math.floor(rng() * 10_000)),
    () => -1.5,
  ])();
}

interface Target {
  method: string;
  path: string;
  fields: string[];
}

function malformedBody(rng: Rng, target: Target): string {
  const kind = rng();
  if (kind < 0.3) {
    for (;;) {
      const text = garbageText(rng);
      // A blank body means "no options" where a body is optional: not malformed.
      if (text.trim() === "") continue;
      try {
        JSON.parse(text);
      } catch {
        return text;
      }
    }
  }
  if (kind < 0.5) return JSON.stringify(pick(rng, [42, "text", [1, 2], null, true, [{}], -0.5]));
  // An object whose known fields are wrong-typed, with maybe an unknown one besides.
  const body: Record<string, unknown> = {};
  for (const field of target.fields) if (rng() < 0.6) body[field] = wrongValue(rng);
  const broken = target.fields[Math.floor(rng() * target.fields.length)]!;
  body[broken] = pick(rng, [null, 12345, { bad: true }, ["list"], false]);
  if (rng() < 0.3) body[`unexpected_${Math.floor(rng() * 100)}`] = wrongValue(rng);
  return JSON.stringify(body);
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    "users",
    "conversations",
    "messages",
    "refresh_tokens",
    "provider_keys",
    "models",
    "share_links",
  ]) {
    out[table] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? -1;
  }
  return out;
}

describe("malformed request bodies", () => {
  it("are all refused with a 4xx JSON error and change nothing", async () => {
    const guest = await newGuest();
    const conversationId = await createConversation(guest);
    const signup = await workerFetch("/api/v1/auth/signup", {
      method: "POST",
      headers: { cookie: guest, "content-type": "application/json" },
      body: JSON.stringify({ email: "fuzz@example.com", password: "fuzzing password" }),
    });
    const member = signup.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    // Seed the catalogue so a first read during the run does not count as a change.
    await workerFetch("/api/v1/models");

    const targets: Target[] = [
      {
        method: "POST",
        path: "/api/v1/chat/stream",
        fields: ["model", "messages", "conversationId", "temperature"],
      },
      { method: "POST", path: "/api/v1/conversations", fields: ["model", "systemPrompt"] },
      {
        method: "PATCH",
        path: `/api/v1/conversations/${conversationId}`,
        fields: ["title", "pinned", "systemPrompt"],
      },
      { method: "POST", path: "/api/v1/auth/signup", fields: ["email", "password", "displayName"] },
      { method: "POST", path: "/api/v1/auth/signin", fields: ["email", "password"] },
      { method: "POST", path: "/api/v1/auth/password", fields: ["currentPassword", "newPassword"] },
      { method: "PUT", path: "/api/v1/keys/openai", fields: ["apiKey"] },
      { method: "PUT", path: `/api/v1/conversations/${conversationId}/share`, fields: ["mode"] },
    ];
    const before = await counts();
    const rng = random(20261125);
    // Endpoints that refused at least one body as invalid: proof the bodies reached validation
    // rather than being turned away before it (a lost session answers everything with 401).
    const validated = new Set<string>();
    for (let i = 0; i < 1_200; i++) {
      const target = targets[i % targets.length]!;
      const body = malformedBody(rng, target);
      const response = await workerFetch(target.path, {
        method: target.method,
        headers: {
          cookie: target.path.includes("/chat/") ? guest : member,
          "content-type": "application/json",
        },
        body,
      });
      if (response.status === 400) validated.add(`${target.method} ${target.path}`);
      const text = await response.text();
      if (response.status < 400 || response.status >= 500) {
        throw new Error(
          `${target.method} ${target.path} answered ${response.status} to ${body.slice(0, 200)}: ${text}`,
        );
      }
      const parsed: unknown = JSON.parse(text);
      expect(parsed).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(await counts()).toEqual(before);
    expect([...validated].sort()).toEqual(targets.map((target) => `${target.method} ${target.path}`).sort());
    // 1,200 requests in sequence: give a loaded machine time.
  }, 120_000);
});
