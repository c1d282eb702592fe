// Where a guest's rate-limit bucket comes from. vitest.config.ts plays Cloudflare's edge
// (TRUST_CF_CONNECTING_IP=true); these tests also run the worker as `vite dev` and `wrangler dev`
// do, without it, where CF-Connecting-IP is whatever the client sent.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/http/app";
import { clientIp, LOCAL_ADDRESS } from "../../worker/room/identity";
import { newGuest, ORIGIN, workerFetch } from "./helpers";

/** The worker's environment as local development has it: nothing vouches for the header. */
const local = { ...env, TRUST_CF_CONNECTING_IP: undefined } as unknown as Env;

function chatBody(content: string): string {
  return JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content }] });
}

/** A chat request from a new guest claiming `ip`, answered by a worker running with `workerEnv`. */
async function chatFrom(ip: string, workerEnv: Env): Promise<{ response: Response; text: string }> {
  const cookie = await newGuest();
  const init = {
    method: "POST",
    headers: { cookie, "content-type": "application/json", "cf-connecting-ip": ip },
    body: chatBody(`hello from ${ip}`),
  };
  const ctx = createExecutionContext();
  const response = await createApp().request(`${ORIGIN}/api/v1/chat/stream`, init, workerEnv, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, text };
}

describe("the address guests are limited by", () => {
  it("is one bucket for every guest where the platform does not set CF-Connecting-IP", async () => {
    // Ten guests, each inventing a new address: they all count against the same ten requests.
    for (let i = 0; i < 10; i++) {
      const { response } = await chatFrom(`198.51.100.${i + 1}`, local);
      expect(response.status).toBe(200);
      expect(response.headers.get("RateLimit-Remaining")).toBe(String(9 - i));
    }
    const eleventh = await chatFrom("198.51.100.200", local);
    expect(eleventh.response.status).toBe(429);
    expect(JSON.parse(eleventh.text)).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("is the header's address where Cloudflare's edge sets it", async () => {
    const first = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: {
        cookie: await newGuest(),
        "content-type": "application/json",
        "cf-connecting-ip": "192.0.2.71",
      },
      body: chatBody("from one network"),
    });
    const second = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: {
        cookie: await newGuest(),
        "content-type": "application/json",
        "cf-connecting-ip": "192.0.2.72",
      },
      body: chatBody("from another"),
    });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get("RateLimit-Remaining")).toBe("9");
    expect(second.headers.get("RateLimit-Remaining")).toBe("9");
    await Promise.all([first.text(), second.text()]);
  });

  it("ignores the header entirely unless trusted", () => {
    const request = new Request(ORIGIN, { headers: { "cf-connecting-ip": "203.0.113.9" } });
    expect(clientIp(request, false)).toBe(LOCAL_ADDRESS);
    expect(clientIp(request, true)).toBe("203.0.113.9");
  });
});
