// Rate limits and monthly quotas: refused before any upstream call, with the time to wait.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  postChat,
  rowCounts,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

function chat(cookie: string, ip: string, content: string) {
  return workerFetch("/api/v1/chat/stream", {
    method: "POST",
    headers: { cookie, "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content }] }),
  });
}

describe("guest rate limit", () => {
  it("refuses the 11th request in the window with 429 and Retry-After, and calls no upstream", async () => {
    const ip = "203.0.113.10";
    const cookie = await newGuest();
    for (let i = 1; i <= 10; i++) {
      const response = await chat(cookie, ip, `hello ${i}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("RateLimit-Limit")).toBe("10");
      expect(response.headers.get("RateLimit-Remaining")).toBe(String(10 - i));
      await response.text();
    }
    const before = await rowCounts();
    const tag = uniqueTag("limited");
    const limited = await chat(cookie, ip, `one more [[case:normal tag=${tag}]]`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    const body = await limited.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/Try again in/);
    expect(await upstreamRequests(tag)).toHaveLength(0);
    expect(await rowCounts()).toEqual(before);

    // A new guest identity from the same address is still limited; another address is not.
    const sameAddress = await chat(await newGuest(), ip, "new cookie, same network");
    expect(sameAddress.status).toBe(429);
    const otherAddress = await chat(await newGuest(), "203.0.113.11", "somewhere else");
    expect(otherAddress.status).toBe(200);
    await otherAddress.text();
  });

  it("answers a limited send on the room socket with an error frame and no generation", async () => {
    // Without an explicit address, a browser's requests share one derived from its cookie.
    const cookie = await newGuest();
    for (let i = 0; i < 10; i++) {
      await (
        await postChat(cookie, {
          model: "gpt-5-mini",
          messages: [{ role: "user", content: `warm up ${i}` }],
        })
      ).text();
    }
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    await device.waitFor(isType("snapshot"));
    const tag = uniqueTag("ws-limited");
    device.send({ type: "send", content: `hi [[case:normal tag=${tag}]]`, model: "gpt-5-mini" });
    const error = await device.waitFor(isType("error"));
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(device.frames.some((f) => f.type === "message")).toBe(false);
    expect(await upstreamRequests(tag)).toHaveLength(0);
    device.close();
  });

  it("tells the sender how many requests are left after each accepted send", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const device = await connectRoom(id, cookie);
    device.send({ type: "send", content: "hi", model: "gpt-5-mini" });
    const frame = await device.waitFor(isType("rate_limit"));
    expect(frame).toMatchObject({ limit: 10, remaining: 9 });
    await device.waitFor(isType("done"));
    device.close();
  });
});

describe("monthly quota", () => {
  it("blocks the next generation once the month's allowance is used", async () => {
    const cookie = await newGuest();
    const first = await chat(cookie, "203.0.113.30", "first");
    const conversationId = /"conversationId":"([^"]+)"/.exec(await first.text())?.[1];
    // Record that this guest already used its whole monthly token allowance.
    await env.DB.prepare(
      "UPDATE messages SET input_tokens = 200000 WHERE conversation_id = ? AND role = 'assistant'",
    )
      .bind(conversationId)
      .run();
    const blocked = await chat(cookie, "203.0.113.30", "second");
    expect(blocked.status).toBe(429);
    expect((await blocked.json<{ error: { code: string; message: string } }>()).error).toMatchObject({
      code: "quota_exhausted",
      message: expect.stringMatching(/renews on \d{4}-\d{2}-01/),
    });
  });
});
