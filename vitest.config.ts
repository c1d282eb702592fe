// Worker and provider tests: they run inside workerd (the Cloudflare vitest plugin) against real D1
// migrations, real Durable Objects and real WebSockets. Provider traffic goes to the fake upstream,
// a Node server on 127.0.0.1 started by tests/global-setup.ts on the port chosen here.
import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { freePort } from "./tests/free-port.ts";

/**
 * The workerd test run. vitest.tracing.config.ts reuses it with traces switched on (extra
 * bindings) for its own test files; this run keeps the default, traces off.
 */
export async function workerTests(
  options: { bindings?: (upstream: string) => Record<string, string>; include?: string[] } = {},
) {
  const port = Number(process.env.FAKE_UPSTREAM_PORT) || (await freePort());
  process.env.FAKE_UPSTREAM_PORT = String(port);
  const upstream = `http://127.0.0.1:${port}`;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations("migrations"),
            FAKE_UPSTREAM_URL: upstream,
            SESSION_SECRET: "test-session-secret-at-least-32-characters-long",
            ENCRYPTION_KEY: "test-encryption-key-at-least-32-characters-long",
            OPENAI_API_KEY: "sk-test-openai",
            OPENAI_BASE_URL: `${upstream}/v1`,
            ANTHROPIC_API_KEY: "sk-ant-test",
            ANTHROPIC_BASE_URL: upstream,
            GEMINI_API_KEY: "gemini-test-key",
            GEMINI_BASE_URL: upstream,
            OPENROUTER_API_KEY: "sk-or-test",
            OPENROUTER_BASE_URL: `${upstream}/v1`,
            DEEPSEEK_API_KEY: "sk-deepseek-test",
            DEEPSEEK_BASE_URL: `${upstream}/v1`,
            CUSTOM_PROVIDERS: JSON.stringify([
              {
                name: "local",
                baseURL: `${upstream}/v1`,
                models: [{ id: "llama-test", name: "Llama Test" }],
              },
            ]),
            DEMO_TOKEN_DELAY_MS: "1",
            // Tests stand in for Cloudflare's edge: each fake browser sends its own CF-Connecting-IP
            // (tests/worker/helpers.ts). client-address.test.ts checks the untrusted case.
            TRUST_CF_CONNECTING_IP: "true",
            MODERATION_BLOCKLIST: "forbiddenword, /b[a4]nned\\s+phrase/",
            MODERATION_OPENAI: "true",
            ADMIN_TOKEN: "test-admin-token-at-least-32-characters-long",
            ADMIN_EMAILS: "admin@example.com, Ops@Example.com, owner@example.com",
            GITHUB_CLIENT_ID: "github-client-test",
            GITHUB_CLIENT_SECRET: "github-secret-test",
            GITHUB_OAUTH_BASE_URL: upstream,
            GOOGLE_CLIENT_ID: "google-client-test",
            GOOGLE_CLIENT_SECRET: "google-secret-test",
            GOOGLE_OAUTH_BASE_URL: upstream,
            // Account mail goes to the fake mail API; tests read it back from /mail/outbox.
            MAIL_API_URL: `${upstream}/mail/send`,
            MAIL_API_KEY: "test-mail-key",
            MAIL_FROM: "parley@example.com",
            // Payments go to the fake Stripe API (tests/fake-upstream/stripe.ts).
            STRIPE_SECRET_KEY: "sk_test_parleyWorkerTests",
            STRIPE_WEBHOOK_SECRET: "whsec_parleyWorkerTests",
            STRIPE_API_BASE: upstream,
            ...options.bindings?.(upstream),
          },
        },
      }),
    ],
    test: {
      include: options.include ?? ["tests/worker/**/*.test.ts", "tests/providers/**/*.test.ts"],
      globalSetup: ["./tests/global-setup.ts"],
      setupFiles: ["./tests/worker/apply-migrations.ts"],
      testTimeout: 20_000,
      // With the module cache on disk, each test file's worker is sent every cached module of its
      // import graph in one message; with the stripe SDK's few hundred modules that message is
      // larger than workerd takes, and the file's worker dies ("Message is too large").
      fsModuleCache: false,
      // One JSON line per request is right in production and noise in test output.
      onConsoleLog: (log: string) => !log.includes('"event":"http_request"'),
    },
  };
}

export default defineConfig(() => workerTests());
