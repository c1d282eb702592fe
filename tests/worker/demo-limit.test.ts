// The built-in demo model costs nothing, so it has a limit of its own (DEMO_RATE_LIMIT, 60 per
// 5 minutes by default), counted apart from the one for real models (GUEST_RATE_LIMIT, 10 here),
// and no monthly quota. Real models go to the fake upstream.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

const GUEST_LIMIT = 10;
const DEMO_LIMIT = 60;

interface Sent {
  status: number;
  limit: string | null;
  remaining: string | null;
  retryAfter: string | null;
  conversationId?: string;
  error?: { code: string; message: string };
}

/** One chat request as `cookie` from `ip`, read to its end. */
async function chat(cookie: string, ip: string, model: string, content = "hello"): Promise<Sent> {
  const response = await workerFetch("/api/v1/chat/stream", {
    method: "POST",
    headers: { cookie, "content-type": "application/json", "cf-connecting-ip": ip },
    // One token of the demo's answer is enough here, and keeps sixty of them quick.
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content }],
      ...(model === "parley-demo" ? { maxOutputTokens: 1 } : {}),
    }),
  });
  const sent: Sent = {
    status: response.status,
    limit: response.headers.get("RateLimit-Limit"),
    remaining: response.headers.get("RateLimit-Remaining"),
    retryAfter: response.headers.get("Retry-After"),
  };
  if (response.status !== 200) {
    return { ...sent, error: (await response.json<{ error: { code: string; message: string } }>()).error };
  }
  const conversationId = /"conversationId":"([^"]+)"/.exec(await response.text())?.[1];
  return conversationId ? { ...sent, conversationId } : sent;
}

describe("the demo model's own rate limit", () => {
  it("lets a guest send more than the guest limit to the demo, and refuses at the demo's number", async () => {
    const ip = "203.0.113.60";
    const cookie = await newGuest();
    for (let i = 1; i <= DEMO_LIMIT; i++) {
      const sent = await chat(cookie, ip, "parley-demo", `demo ${i}`);
      expect(sent, `demo message ${i}`).toMatchObject({
        status: 200,
        limit: String(DEMO_LIMIT),
        remaining: String(DEMO_LIMIT - i),
      });
    }
    const refused = await chat(cookie, ip, "parley-demo", "one too many");
    expect(refused).toMatchObject({ status: 429, limit: String(DEMO_LIMIT), remaining: "0" });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.error?.code).toBe("rate_limited");
    expect(refused.error?.message).toMatch(/sent 60 messages to the demo model .* Try again in/);

    // The demo's limit is not the real models': a real model still takes the guest's ten.
    const tag = uniqueTag("after-demo");
    const real = await chat(cookie, ip, "gpt-5-mini", `[[case:normal tag=${tag}]]`);
    expect(real).toMatchObject({ status: 200, limit: String(GUEST_LIMIT), remaining: "9" });
    expect(await upstreamRequests(tag)).toHaveLength(1);
  });

  it("counts demo messages apart: they neither use up nor are refused by the real-model limit", async () => {
    const ip = "203.0.113.61";
    const cookie = await newGuest();
    for (let i = 1; i <= 15; i++) {
      expect((await chat(cookie, ip, "parley-demo", `warm up ${i}`)).status).toBe(200);
    }
    for (let i = 1; i <= GUEST_LIMIT; i++) {
      const sent = await chat(cookie, ip, "gpt-5-mini", `real ${i}`);
      expect(sent, `real message ${i}`).toMatchObject({
        status: 200,
        limit: String(GUEST_LIMIT),
        remaining: String(GUEST_LIMIT - i),
      });
    }
    const tag = uniqueTag("real-limited");
    const limited = await chat(cookie, ip, "gpt-5-mini", `[[case:normal tag=${tag}]]`);
    expect(limited).toMatchObject({ status: 429, limit: String(GUEST_LIMIT), remaining: "0" });
    expect(limited.error?.code).toBe("rate_limited");
    expect(limited.error?.message).not.toMatch(/demo/);
    expect(await upstreamRequests(tag)).toHaveLength(0);

    // With the real models' window spent, the demo still answers, at its own count.
    const demo = await chat(cookie, ip, "parley-demo", "still here?");
    expect(demo).toMatchObject({
      status: 200,
      limit: String(DEMO_LIMIT),
      remaining: String(DEMO_LIMIT - 16),
    });
  });

  it("reports the limit that applied in the room's rate_limit frame", async () => {
    const cookie = await newGuest();
    const device = await connectRoom(await createConversation(cookie), cookie);
    await device.waitFor(isType("snapshot"));
    device.send({ type: "send", content: "hi demo", model: "parley-demo" });
    expect(await device.waitFor(isType("rate_limit"))).toMatchObject({
      limit: DEMO_LIMIT,
      remaining: DEMO_LIMIT - 1,
    });
    await device.waitFor(isType("done"));
    const before = device.frames.length;
    device.send({ type: "send", content: "hi real model", model: "gpt-5-mini" });
    const frame = await device.waitFor(
      (candidate) => device.frames.indexOf(candidate) >= before && candidate.type === "rate_limit",
    );
    expect(frame).toMatchObject({ limit: GUEST_LIMIT, remaining: GUEST_LIMIT - 1 });
    device.close();
  });
});

describe("the demo model and the monthly quota", () => {
  async function setTokens(conversationId: string | undefined, tokens: number) {
    await env.DB.prepare(
      "UPDATE messages SET input_tokens = ? WHERE conversation_id = ? AND role = 'assistant'",
    )
      .bind(tokens, conversationId)
      .run();
  }

  it("leaves the demo's answers out of the quota, and keeps the demo open once it is spent", async () => {
    const ip = "203.0.113.62";
    const cookie = await newGuest();
    // A demo answer as large as the guest's whole month: it costs nothing, so it does not count.
    const demo = await chat(cookie, ip, "parley-demo", "a big one");
    await setTokens(demo.conversationId, 200_000);
    const real = await chat(cookie, ip, "gpt-5-mini", "first real answer");
    expect(real.status).toBe(200);

    // A real model's answer that uses up the month: real models stop, the demo goes on.
    await setTokens(real.conversationId, 200_000);
    const blocked = await chat(cookie, ip, "gpt-5-mini", "second real answer");
    expect(blocked).toMatchObject({ status: 429, error: { code: "quota_exhausted" } });
    expect((await chat(cookie, ip, "parley-demo", "the demo still answers")).status).toBe(200);
  });
});
