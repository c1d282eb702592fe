// The worker never throws out of `fetch`: what Hono's onError cannot handle (a thrown value that
// is not an Error, a failure inside onError itself) still answers Parley's JSON error with the
// API's headers, instead of an exception (Cloudflare's error page; Vite's overlay in dev).
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../worker/http/app";
import { answerEveryRequest } from "../../worker/http/last-resort";
import { ORIGIN } from "./helpers";

const SECRET = "sk-proj-LastResortSecret0001";

beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

/** The worker's fetch around an app with one route that fails with `thrown`. */
function workerWithFailingRoute(thrown: () => never) {
  const app = createApp();
  app.get("/api/v1/__fail", () => thrown());
  return answerEveryRequest((request, workerEnv, ctx) => app.fetch(request, workerEnv, ctx));
}

async function expectJsonFailure(response: Response) {
  expect(response.status).toBe(500);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({
    error: { code: "internal_error", message: expect.any(String) },
  });
  expect(text).not.toContain(SECRET);
}

describe("a failure Hono's onError never sees", () => {
  it("a thrown string answers JSON 500, not an exception out of fetch", async () => {
    const fetch = workerWithFailingRoute(() => {
      throw `upstream said ${SECRET}`;
    });
    const response = await fetch(new Request(`${ORIGIN}/api/v1/__fail`), env, createExecutionContext());
    await expectJsonFailure(response);
  });

  it("a thrown object, even one that cannot be turned into text, answers JSON 500", async () => {
    const plain = workerWithFailingRoute(() => {
      throw { status: 429, detail: SECRET };
    });
    await expectJsonFailure(
      await plain(new Request(`${ORIGIN}/api/v1/__fail`), env, createExecutionContext()),
    );

    // No prototype, so no toString: describing it for the answer fails as well.
    const bare = workerWithFailingRoute(() => {
      throw Object.assign(Object.create(null) as object, { detail: SECRET });
    });
    await expectJsonFailure(
      await bare(new Request(`${ORIGIN}/api/v1/__fail`), env, createExecutionContext()),
    );
  });
});
