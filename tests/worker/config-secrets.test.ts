// The worker refuses to run with a secret anyone could know or guess: the placeholders published in
// .dev.vars.example, "changeme"-style values, or values with little randomness. It says which
// variable is wrong and how to fix it, and never repeats the value.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../worker/env";
import { createApp } from "../../worker/http/app";
import { ORIGIN } from "./helpers";
import { apiErrorSchema } from "#protocol/http";

const SECRETS = ["SESSION_SECRET", "ENCRYPTION_KEY", "ADMIN_TOKEN"] as const;

const WEAK: Record<string, string> = {
  "the example's placeholder": "replace-me-with-a-long-random-string",
  "the example's other placeholder": "replace-me-with-another-long-random-string",
  "a changeme value": "changeme-changeme-changeme-changeme-1",
  "a your-secret value": "your-secret-goes-here-0123456789abcdef",
  "one character": "a".repeat(48),
  "two characters alternating": "ab".repeat(24),
  "a repeated piece": "0123456789".repeat(4),
  "a short alphabet (digits)": "83920174659281736450192837465019",
  "seven different characters": "abcdefgabcdefgbacdefgabcdegfabcdefg",
};

function hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

function base64(bytes: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

function problemsWith(name: string, value: string): string[] {
  const result = configSchema.safeParse({ ...env, [name]: value });
  return result.success
    ? []
    : result.error.issues.filter((issue) => issue.path.join(".") === name).map((issue) => issue.message);
}

describe("secret validation", () => {
  for (const name of SECRETS) {
    it(`refuses a published or predictable ${name}, naming it and the fix but not the value`, () => {
      for (const [what, value] of Object.entries(WEAK)) {
        const problems = problemsWith(name, value);
        expect(problems, what).toHaveLength(1);
        expect(problems[0], what).toContain(name);
        expect(problems[0], what).toContain("openssl rand -base64 32");
        expect(problems[0], what).not.toContain(value);
      }
    });
  }

  it("accepts what the docs and scripts generate, and the test suites' own secrets", () => {
    const generated = Array.from({ length: 100 }, () => [
      hex(32), // scripts/ensure-dev-vars.ts
      hex(16), // openssl rand -hex 16
      base64(32), // openssl rand -base64 32 (README, .dev.vars.example)
      base64(48), // openssl rand -base64 48 (docs/deploy.md)
    ]).flat();
    const fixed = [
      env.SESSION_SECRET,
      env.ENCRYPTION_KEY,
      "test-admin-token-at-least-32-characters-long", // vitest.config.ts
      "e2e-session-secret-0123456789-abcdefghijklmnop", // tests/e2e/server.ts
      "e2e-encryption-key-0123456789-abcdefghijklmnop",
    ];
    for (const value of [...generated, ...fixed]) {
      for (const name of SECRETS) expect(problemsWith(name, value), `${name}=${value}`).toEqual([]);
    }
  });

  it("answers every request with a clear 503 misconfigured while a secret is a placeholder", async () => {
    const app = createApp();
    for (const name of ["SESSION_SECRET", "ENCRYPTION_KEY"] as const) {
      const placeholder =
        name === "SESSION_SECRET" ? WEAK["the example's placeholder"]! : "changeme".repeat(5);
      const response = await app.request(`${ORIGIN}/api/v1/session`, {}, { ...env, [name]: placeholder });
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(text).not.toContain(placeholder);
      const body = apiErrorSchema.parse(JSON.parse(text));
      expect(body.error.code).toBe("misconfigured");
      expect(body.error.message).toContain(name);
      expect(body.error.message).toContain("openssl rand -base64 32");
      // No session was handed out under the known secret.
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });
});
