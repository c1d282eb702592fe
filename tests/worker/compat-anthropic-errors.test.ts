// Refusals in Anthropic's error shape raise the real SDK's own error classes, with the status,
// type and headers a client acts on.
import Anthropic, {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContentTooLargeError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { anthropicError } from "../../worker/compat/anthropic-messages";
import { CompatError } from "../../worker/compat/errors";
import { AppError } from "../../worker/errors";
import { ASK, done, parley } from "./compat-anthropic-client";

describe("errors in Anthropic's shape raise the SDK's own classes", () => {
  function refusing(error: AppError | CompatError) {
    return new Anthropic({
      apiKey: "pk_live_x",
      baseURL: "http://compat.test",
      maxRetries: 0,
      fetch: async () => anthropicError(error),
    });
  }
  const cases: [string, AppError | CompatError, unknown, number, string][] = [
    [
      "a bad field",
      new CompatError(400, "invalid_request_error", "x", "Bad value", "messages"),
      BadRequestError,
      400,
      "invalid_request_error",
    ],
    [
      "a bad token",
      new AppError(401, "invalid_token", "That token is not valid."),
      AuthenticationError,
      401,
      "authentication_error",
    ],
    [
      "a banned account",
      new AppError(403, "banned", "Banned."),
      PermissionDeniedError,
      403,
      "permission_error",
    ],
    [
      "an unknown model",
      new AppError(400, "unknown_model", 'The model "x" is not available.'),
      NotFoundError,
      404,
      "not_found_error",
    ],
    [
      "another person's conversation",
      new AppError(404, "not_found", "Conversation not found."),
      NotFoundError,
      404,
      "not_found_error",
    ],
    [
      "a busy conversation",
      new AppError(409, "conversation_busy", "Busy."),
      ConflictError,
      409,
      "conflict_error",
    ],
    [
      "a body too large",
      new AppError(413, "payload_too_large", "Too large."),
      ContentTooLargeError,
      413,
      "request_too_large",
    ],
    [
      "a server at capacity",
      new AppError(503, "server_busy", "Too many answers.", { expose: true }),
      OverloadedError,
      529,
      "overloaded_error",
    ],
    [
      "an internal failure",
      new AppError(500, "internal_error", "db exploded"),
      InternalServerError,
      500,
      "api_error",
    ],
  ];
  for (const [what, error, errorClass, status, type] of cases) {
    it(`${what} → ${status} ${type}`, async () => {
      const caught = await refusing(error)
        .messages.create(ASK)
        .catch((thrown: unknown) => thrown);
      expect(caught).toBeInstanceOf(errorClass);
      expect(caught).toMatchObject({ status, type });
    });
  }

  it("an internal failure's detail stays hidden", async () => {
    const caught = await refusing(new AppError(500, "internal_error", "db exploded at 10.0.0.7"))
      .messages.create(ASK)
      .catch((thrown: unknown) => thrown);
    expect(JSON.stringify(caught)).not.toContain("db exploded");
  });

  it("rate and quota limits are 429 rate_limit_error with retry-after and the RateLimit headers", async () => {
    const limit = new AppError(429, "rate_limited", "Slow down.", {
      retryAfterMs: 12_500,
      headers: { "RateLimit-Remaining": "0" },
    });
    const caught = await refusing(limit)
      .messages.create(ASK)
      .catch((thrown: unknown) => thrown);
    expect(caught).toBeInstanceOf(RateLimitError);
    const headers = caught instanceof RateLimitError ? caught.headers : new Headers();
    expect(headers.get("retry-after")).toBe("13");
    expect(headers.get("ratelimit-remaining")).toBe("0");
  });

  it("a refused request field reaches the SDK as BadRequestError naming the field", async () => {
    const { client } = parley([done()]);
    const caught = await client.messages
      .create({
        ...ASK,
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "url", url: "https://example.com/a.png" } }],
          },
        ],
      })
      .catch((thrown: unknown) => thrown);
    expect(caught).toBeInstanceOf(BadRequestError);
    expect(caught).toMatchObject({
      apiMessage: expect.stringMatching(/^messages\.0\.content\.0\.source\.type: /),
    });
  });
});
