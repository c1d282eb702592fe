// The password throttle: wrong passwords from one client slow that client down, never the account's
// owner elsewhere; unknown emails are treated like known ones; a right password clears the count.
//
// Clients are told apart by the `cf-connecting-ip` header, which is what `clientIp` reads (see
// worker/auth/throttle.ts: `throttleClient`); each test uses its own random IPv6 /64 networks.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SIGNIN_LIMITS } from "../../worker/limits/signin";
import { newGuest, workerFetch } from "./helpers";

const PASSWORD = "correct horse battery";
const WRONG = "wrong horse battery";

let counter = 0;
const uniqueEmail = () => `throttle${Date.now()}-${counter++}@example.com`;
const hex = () => Math.floor(Math.random() * 0x10000).toString(16);
/** An address in a network of its own (a /64 nobody else in this run uses). */
const newClient = () => `2001:db8:${hex()}:${hex()}::${hex()}`;

async function signUp(): Promise<{ email: string; cookie: string }> {
  const email = uniqueEmail();
  const response = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: await newGuest(), "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { email, cookie };
}

interface Answer {
  status: number;
  retryAfter: string | null;
  code: string | null;
  message: string | null;
}

async function answerOf(response: Response): Promise<Answer> {
  const body =
    response.status === 200 ? null : await response.json<{ error: { code: string; message: string } }>();
  if (response.status === 200) await response.body?.cancel();
  return {
    status: response.status,
    retryAfter: response.headers.get("Retry-After"),
    code: body?.error.code ?? null,
    message: body?.error.message ?? null,
  };
}

async function signIn(client: string, email: string, password: string): Promise<Answer> {
  const response = await workerFetch("/api/v1/auth/signin", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": client },
    body: JSON.stringify({ email, password }),
  });
  return answerOf(response);
}

const wrongPassword = {
  status: 401,
  retryAfter: null,
  code: "invalid_credentials",
  message: "That email and password do not match.",
};
const waitOneSecond = {
  status: 429,
  retryAfter: "1",
  code: "too_many_attempts",
  message: "Too many attempts. Try again in 1 second.",
};

describe("sign-in throttle", () => {
  it("makes a client wait after five wrong passwords, even with the right one, and lets others in", async () => {
    const { email } = await signUp();
    const attacker = newClient();
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts; i++) {
      expect(await signIn(attacker, email, `${WRONG} ${i}`)).toEqual(wrongPassword);
    }
    expect(await signIn(attacker, email, PASSWORD)).toEqual(waitOneSecond);
    // Another address of the same /64 network is the same client.
    expect(await signIn(attacker.replace(/::.*$/, "::beef"), email, PASSWORD)).toEqual(waitOneSecond);

    // The owner, somewhere else, is not locked out.
    expect((await signIn(newClient(), email, PASSWORD)).status).toBe(200);
  });

  it("answers an unknown email exactly like a known one", async () => {
    const { email: known } = await signUp();
    const unknown = uniqueEmail();
    const run = async (email: string) => {
      const client = newClient();
      const answers: Answer[] = [];
      for (let i = 0; i <= SIGNIN_LIMITS.freeAttempts; i++) answers.push(await signIn(client, email, WRONG));
      return answers;
    };
    const forKnown = await run(known);
    const forUnknown = await run(unknown);
    expect(forUnknown).toEqual(forKnown);
    expect(forUnknown.at(-1)).toEqual(waitOneSecond);
  });

  it("lets no more than five guesses through when they are sent all at once", async () => {
    const { email } = await signUp();
    const client = newClient();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(client, email, `${WRONG} ${i}`)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(7).fill(429)]);
  });

  it("starts the count afresh after a right password", async () => {
    const { email } = await signUp();
    const client = newClient();
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts - 1; i++) {
      expect(await signIn(client, email, WRONG)).toEqual(wrongPassword);
    }
    expect((await signIn(client, email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts; i++) {
      expect(await signIn(client, email, WRONG)).toEqual(wrongPassword);
    }
    expect(await signIn(client, email, WRONG)).toEqual(waitOneSecond);
  });

  it("stops one client spraying guesses over many accounts", async () => {
    const { email } = await signUp();
    const sprayer = newClient();
    for (let i = 0; i < SIGNIN_LIMITS.clientFailures; i++) {
      expect((await signIn(sprayer, uniqueEmail(), WRONG)).status).toBe(401);
    }
    const refused = await signIn(sprayer, email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.code).toBe("too_many_attempts");
    // The oldest failure leaves the hour-long window a little under an hour from now.
    expect(Number(refused.retryAfter)).toBeGreaterThan(50 * 60);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60 * 60);
    expect(refused.message).toMatch(/^Too many attempts\. Try again in (59|60) minutes\.$/);

    expect((await signIn(newClient(), email, PASSWORD)).status).toBe(200);
  });

  it("gives no free attempts on an account under attack from many clients, yet lets its owner in", async () => {
    const { email } = await signUp();
    for (let i = 0; i < SIGNIN_LIMITS.accountUnderAttack; i++) {
      expect(await signIn(newClient(), email, WRONG)).toEqual(wrongPassword);
    }
    const oneMore = newClient();
    expect(await signIn(oneMore, email, WRONG)).toEqual(wrongPassword);
    expect(await signIn(oneMore, email, WRONG)).toEqual(waitOneSecond);

    expect((await signIn(newClient(), email, PASSWORD)).status).toBe(200);
  });
});

describe("change-password throttle", () => {
  it("makes a client wait after five wrong current passwords", async () => {
    const { cookie } = await signUp();
    const client = newClient();
    const change = async (currentPassword: string) =>
      answerOf(
        await workerFetch("/api/v1/auth/password", {
          method: "POST",
          headers: { cookie, "content-type": "application/json", "cf-connecting-ip": client },
          body: JSON.stringify({ currentPassword, newPassword: "a brand new password" }),
        }),
      );
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts; i++) {
      const answer = await change(`${WRONG} ${i}`);
      expect(answer.status).toBe(401);
      expect(answer.code).toBe("invalid_credentials");
    }
    expect(await change(PASSWORD)).toEqual(waitOneSecond);
  });
});

describe("backoff schedule", () => {
  it("doubles the wait after each further failure, up to 15 minutes, and forgets after a day", async () => {
    const client = env.RateLimiter.getByName(`signin:client:schedule-${crypto.randomUUID()}`);
    const account = "email:someone@example.com";
    let now = Date.now();
    const fail = async () => {
      const decision = await client.signInAttempt(account, now);
      expect(decision).toEqual({ allowed: true, retryAfterMs: 0, startedAt: now });
      await client.signInSettled(account, "failure", now, false, now);
    };
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts; i++) await fail();

    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const refused = await client.signInAttempt(account, now);
      expect(refused.allowed).toBe(false);
      waits.push(refused.retryAfterMs);
      // One millisecond early is still too early.
      expect((await client.signInAttempt(account, now + refused.retryAfterMs - 1)).allowed).toBe(false);
      now += refused.retryAfterMs;
      await fail();
    }
    const s = 1000;
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900].map((n) => n * s));

    // A right password clears the record: five free attempts again.
    now += 900 * s;
    const right = await client.signInAttempt(account, now);
    await client.signInSettled(account, "success", right.startedAt, false, now);
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts; i++) await fail();
    expect((await client.signInAttempt(account, now)).retryAfterMs).toBe(1 * s);

    // A day without failures forgets them.
    now += 24 * 60 * 60 * s;
    for (let i = 0; i < SIGNIN_LIMITS.freeAttempts; i++) await fail();
  });
});
