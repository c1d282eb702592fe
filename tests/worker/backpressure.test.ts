// Backpressure: a person gets at most a few answers generating at once (guests one per network),
// a slot is given back on release or when its lease runs out (a crashed room leaks nothing),
// and refusals map to 429 `too_many_generations` with Retry-After. Also the total-time deadline.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/http/app";
import {
  acquireGenerationSlot,
  GENERATION_CAPS,
  withDeadline,
  DeadlineExceededError,
} from "../../worker/limits/concurrency";
import type { Subject } from "../../worker/limits";
import { AppError } from "../../worker/errors";
import {
  ORIGIN,
  connectRoom,
  createConversation,
  isType,
  newGuest,
  storedMessages,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

function user(): Subject {
  return { userId: crypto.randomUUID(), kind: "user", ip: "198.51.100.1" };
}

function guestAt(ip: string): Subject {
  return { userId: crypto.randomUUID(), kind: "guest", ip };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => expect.unreachable("the slot should have been refused"),
    (cause: unknown) => cause,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("acquireGenerationSlot", () => {
  it("lets a user run three answers at once and refuses the fourth with too_many_generations", async () => {
    const subject = user();
    const slots = [];
    for (let i = 0; i < GENERATION_CAPS.user; i++) slots.push(await acquireGenerationSlot(env, subject));
    expect(GENERATION_CAPS.user).toBe(3);

    const error = await refusal(acquireGenerationSlot(env, subject));
    expect(error.code).toBe("too_many_generations");
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/3 answers being written at a time/);
    expect(error.retryAfterMs).toBeGreaterThan(0);

    // Another person is not affected.
    const other = await acquireGenerationSlot(env, user());
    await other.release();
    for (const slot of slots) await slot.release();
  });

  it("frees a slot on release (and a second release is harmless)", async () => {
    const subject = user();
    const slots = [];
    for (let i = 0; i < 3; i++) slots.push(await acquireGenerationSlot(env, subject));
    await refusal(acquireGenerationSlot(env, subject));

    await slots[0]?.release();
    await slots[0]?.release();
    const next = await acquireGenerationSlot(env, subject);
    // Still full again: the double release did not free a second slot.
    await refusal(acquireGenerationSlot(env, subject));
    for (const slot of [...slots.slice(1), next]) await slot.release();
    const limiter = env.RateLimiter.getByName(`user:${subject.userId}`);
    expect(await limiter.activeLeases()).toBe(0);
  });

  it("gives guests one answer at a time per network address, whatever their identity", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 20}`;
    const first = await acquireGenerationSlot(env, guestAt(ip));
    const error = await refusal(acquireGenerationSlot(env, guestAt(ip)));
    expect(error.message).toMatch(/Guests on one network can have 1 answer being written at a time/);
    const elsewhere = await acquireGenerationSlot(env, guestAt("192.0.2.77"));
    await elsewhere.release();
    await first.release();
    const again = await acquireGenerationSlot(env, guestAt(ip));
    await again.release();
  });

  it("expires the lease of a holder that never releases (a crashed room), and renews a live one", async () => {
    const subject = user();
    const options = { cap: 1, ttlMs: 300 };
    // Abandoned: no renewal, never released.
    await acquireGenerationSlot(env, subject, { ...options, renewEveryMs: 0 });
    await refusal(acquireGenerationSlot(env, subject, options));
    await sleep(450);
    // Alive: renewed every 100 ms, so it outlives its 300 ms TTL.
    const live = await acquireGenerationSlot(env, subject, { ...options, renewEveryMs: 100 });
    await sleep(600);
    await refusal(acquireGenerationSlot(env, subject, options));
    await live.release();
    const after = await acquireGenerationSlot(env, subject, { ...options, renewEveryMs: 0 });
    await after.release();
  });

  it("maps a refusal to 429 too_many_generations with Retry-After through the API error mapping", async () => {
    const subject = user();
    const held = await acquireGenerationSlot(env, subject, { cap: 1 });
    const app = createApp();
    app.get("/api/v1/__generate", async () => {
      await acquireGenerationSlot(env, subject, { cap: 1 });
      return new Response("unreachable");
    });
    const response = await app.request(`${ORIGIN}/api/v1/__generate`, {}, env);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    const body = await response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("too_many_generations");
    expect(body.error.message).toMatch(/Wait for one to finish or stop it/);
    await held.release();
  });
});

describe("the concurrency cap through the API and the room socket", () => {
  function chat(cookie: string, ip: string, conversationId: string, content: string) {
    return workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "cf-connecting-ip": ip },
      body: JSON.stringify({ model: "gpt-5-mini", conversationId, messages: [{ role: "user", content }] }),
    });
  }

  it("refuses a guest's second simultaneous answer with 429 too_many_generations, storing nothing", async () => {
    const ip = `2001:db8:cafe::${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const cookie = await newGuest();
    const conversationId = await createConversation(cookie);
    // Another conversation of the same network is generating (its slot is held).
    const busy = await acquireGenerationSlot(env, guestAt(ip));

    const tag = uniqueTag("capped");
    const refused = await chat(cookie, ip, conversationId, `hello [[case:normal tag=${tag}]]`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    const body = await refused.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("too_many_generations");
    expect(await upstreamRequests(tag)).toHaveLength(0);
    expect(await storedMessages(conversationId)).toHaveLength(0);

    // The same network over the room socket.
    const device = await connectRoom(conversationId, cookie, "", {}, { "cf-connecting-ip": ip });
    await device.waitFor(isType("snapshot"));
    device.send({ type: "send", content: `over the socket [[case:normal tag=${tag}]]`, model: "gpt-5-mini" });
    const error = await device.waitFor(isType("error"));
    expect(error.code).toBe("too_many_generations");
    expect(await upstreamRequests(tag)).toHaveLength(0);
    device.close();

    // Once the other answer is done, the same request goes through.
    await busy.release();
    const allowed = await chat(cookie, ip, conversationId, "now it fits");
    expect(allowed.status).toBe(200);
    await allowed.text();
  });
});

describe("withDeadline", () => {
  it("aborts after the time cap and says the deadline expired", async () => {
    const deadline = withDeadline(undefined, 50);
    expect(deadline.signal.aborted).toBe(false);
    await sleep(120);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineExceededError);
  });

  it("follows the parent's abort (a Stop) without calling it a deadline, and dispose clears the timer", async () => {
    const parent = new AbortController();
    const deadline = withDeadline(parent.signal, 50);
    parent.abort("stopped by the user");
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe("stopped by the user");
    await sleep(100);
    expect(deadline.expired).toBe(false);

    const quick = withDeadline(new AbortController().signal, 50);
    quick.dispose();
    await sleep(100);
    expect(quick.signal.aborted).toBe(false);
  });
});
