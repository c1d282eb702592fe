// Parley's refusals in OpenAI's error shape: each raises the openai SDK's own error class with
// the status, type, code and param a developer's code branches on, and the SDK retries only what
// Parley says is worth retrying.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { AppError, notFound } from "../../worker/errors";
import { clientFor, done } from "./compat-openai-harness";

const ask = { model: "gpt-5-mini", messages: [{ role: "user" as const, content: "Hi" }] };

/** What the SDK raises when the route refuses the call with `error`. */
async function raisedFor(error: AppError, options?: { maxRetries?: number }) {
  const { client, requests } = clientFor(() => {
    throw error;
  }, options);
  const raised = await client.chat.completions.create(ask).catch((failure: unknown) => failure);
  return { raised, requests: requests() };
}

describe("a refused call raises the SDK's own error class", () => {
  it("401 AuthenticationError for a bad or revoked token", async () => {
    const { raised } = await raisedFor(new AppError(401, "invalid_token", "That token is not valid."));
    expect(raised).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(raised).toMatchObject({
      status: 401,
      error: {
        message: "That token is not valid.",
        type: "authentication_error",
        code: "invalid_api_key",
        param: null,
      },
    });
  });

  it("404 NotFoundError model_not_found for a model outside the catalogue", async () => {
    const { raised } = await raisedFor(
      new AppError(400, "unknown_model", 'The model "gpt-9" is not available. See GET /api/v1/models.'),
    );
    expect(raised).toBeInstanceOf(OpenAI.NotFoundError);
    expect(raised).toMatchObject({
      status: 404,
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
      message: '404 The model "gpt-9" is not available. See GET /v1/models.',
    });
  });

  it("404 NotFoundError for another person's conversation", async () => {
    const { raised } = await raisedFor(notFound());
    expect(raised).toBeInstanceOf(OpenAI.NotFoundError);
    expect(raised).toMatchObject({ code: "not_found" });
  });

  it("400 BadRequestError with the param for a request Parley cannot read", async () => {
    const { client } = clientFor([]);
    const raised = await client.chat.completions
      .create({ ...ask, temperature: 7 })
      .catch((error: unknown) => error);
    expect(raised).toBeInstanceOf(OpenAI.BadRequestError);
    expect(raised).toMatchObject({ status: 400, type: "invalid_request_error", param: "temperature" });
  });

  it("400 BadRequestError content_policy_violation when moderation refuses the prompt", async () => {
    const { raised } = await raisedFor(new AppError(400, "content_blocked", "This message was not sent."));
    expect(raised).toBeInstanceOf(OpenAI.BadRequestError);
    expect(raised).toMatchObject({ code: "content_policy_violation" });
  });

  it("400 BadRequestError for an option the model cannot take", async () => {
    const { raised } = await raisedFor(
      new AppError(400, "unsupported_option", "o3 does not take a temperature."),
    );
    expect(raised).toBeInstanceOf(OpenAI.BadRequestError);
    expect(raised).toMatchObject({
      code: "unsupported_option",
      message: "400 o3 does not take a temperature.",
    });
  });

  it("409 ConflictError while the conversation is answering another call", async () => {
    const { raised } = await raisedFor(new AppError(409, "conversation_busy", "Busy.", { retryable: true }));
    expect(raised).toBeInstanceOf(OpenAI.ConflictError);
    expect(raised).toMatchObject({ code: "conversation_busy" });
  });

  it("429 RateLimitError with retry-after and the RateLimit headers over the rate limit", async () => {
    const { raised } = await raisedFor(
      new AppError(429, "rate_limited", "Too many.", {
        retryAfterMs: 2_500,
        headers: { "RateLimit-Limit": "20", "RateLimit-Remaining": "0" },
      }),
    );
    expect(raised).toBeInstanceOf(OpenAI.RateLimitError);
    expect(raised).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    const headers = raised instanceof OpenAI.APIError ? raised.headers : undefined;
    expect(headers?.get("retry-after")).toBe("3");
    expect(headers?.get("retry-after-ms")).toBe("2500");
    expect(headers?.get("ratelimit-limit")).toBe("20");
    expect(headers?.get("ratelimit-remaining")).toBe("0");
  });

  it("429 RateLimitError when too many answers are being written at once", async () => {
    const { raised } = await raisedFor(
      new AppError(429, "too_many_generations", "Wait.", { retryAfterMs: 1_000 }),
    );
    expect(raised).toBeInstanceOf(OpenAI.RateLimitError);
    expect(raised).toMatchObject({ code: "rate_limit_exceeded" });
  });

  it("429 RateLimitError insufficient_quota when the month's allowance is used up", async () => {
    const { raised } = await raisedFor(
      new AppError(429, "quota_exhausted", "Allowance used.", { retryAfterMs: 9 * 86_400_000 }),
    );
    expect(raised).toBeInstanceOf(OpenAI.RateLimitError);
    expect(raised).toMatchObject({ type: "insufficient_quota", code: "insufficient_quota" });
  });

  it("500 InternalServerError without the failure's detail", async () => {
    const { raised } = await raisedFor(AppError.from(new Error("D1 exploded at row 7")));
    expect(raised).toBeInstanceOf(OpenAI.InternalServerError);
    expect(raised).toMatchObject({ status: 500, type: "server_error" });
    expect(String(raised)).not.toContain("D1 exploded");
  });

  it("503 InternalServerError with retry-after when Parley is overloaded", async () => {
    const { raised } = await raisedFor(
      new AppError(503, "server_busy", "Too busy.", { retryAfterMs: 5_000, expose: true }),
    );
    expect(raised).toBeInstanceOf(OpenAI.InternalServerError);
    expect(raised).toMatchObject({ status: 503, code: "server_busy" });
  });
});

describe("the SDK's retries", () => {
  it("wait as long as Parley says, to the millisecond, then succeed", async () => {
    let refused = false;
    const { client, requests } = clientFor(
      () => {
        if (refused) return [{ type: "text", text: "Made it." }, done("stop", null)];
        refused = true;
        throw new AppError(429, "rate_limited", "Too many.", { retryAfterMs: 40 });
      },
      { maxRetries: 1 },
    );
    const started = Date.now();
    const completion = await client.chat.completions.create(ask);
    expect(completion.choices[0]?.message.content).toBe("Made it.");
    expect(requests()).toBe(2);
    // `retry-after: 1` alone would make it wait a whole second.
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("do not happen for a used-up monthly quota, which no retry can fix", async () => {
    const { requests } = await raisedFor(
      new AppError(429, "quota_exhausted", "Allowance used.", { retryAfterMs: 9 * 86_400_000 }),
      { maxRetries: 2 },
    );
    expect(requests).toBe(1);
  });

  it("do not happen for a failure Parley marks as final", async () => {
    const { requests } = await raisedFor(
      new AppError(500, "misconfigured", "No key.", { retryable: false }),
      {
        maxRetries: 2,
      },
    );
    expect(requests).toBe(1);
  });
});
