/**
 * The worker's configuration, parsed once per `env` object with zod so a missing or malformed
 * variable fails with its name instead of surfacing as `undefined` deep inside a request.
 * Every variable is documented in .dev.vars.example.
 */
import { z } from "zod";
import { parseCustomProviders } from "./providers";
import { AppError } from "./errors";
import { logError } from "./observability/log";
import { secretProblem } from "./secret-strength";

const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== "" ? value.trim() : undefined));

/** A secret that must be strong when set (worker/secret-strength.ts). */
function strongSecret<T extends z.ZodType<string | undefined>>(name: string, schema: T) {
  return schema.superRefine((value, ctx) => {
    const problem = value === undefined ? null : secretProblem(name, value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

const optionalNumber = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === "") return fallback;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < 0) {
        ctx.addIssue({ code: "custom", message: "must be a non-negative number" });
        return z.NEVER;
      }
      return parsed;
    });

/** `NAME=` (left empty in .dev.vars) counts as not set. */
const unlessBlank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);

/** A `send_email` binding (Cloudflare Email Service); only its `send` is used. */
const sendEmailBinding = z.custom<SendEmail>(
  (value) =>
    typeof value === "object" && value !== null && typeof (value as { send?: unknown }).send === "function",
  "EMAIL must be a send_email binding",
);

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` as the OpenTelemetry spec writes it (`api-key=abc,x-team=a%20b`),
 * or the rule it breaks: which entry, never its text (the value is a secret).
 */
function otlpHeaders(value: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  const entries = value.split(",").filter((entry) => entry.trim() !== "");
  for (const [index, entry] of entries.entries()) {
    const equals = entry.indexOf("=");
    const name = entry.slice(0, Math.max(equals, 0)).trim();
    let decoded: string | undefined;
    try {
      decoded = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      decoded = undefined;
    }
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || decoded === undefined || /[\r\n]/.test(decoded)) {
      return `entry ${index + 1} must be name=value (value URL-encoded)`;
    }
    headers[name.toLowerCase()] = decoded;
  }
  return headers;
}

export const configSchema = z.object({
  SESSION_SECRET: strongSecret(
    "SESSION_SECRET",
    z.string({ error: "SESSION_SECRET is not set (see .dev.vars.example)" }),
  ),
  /** Encrypts people's own provider keys at rest (BYOK); without it, BYOK is off. */
  ENCRYPTION_KEY: strongSecret("ENCRYPTION_KEY", optionalSecret),
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: z.url().default("https://api.openai.com/v1"),
  ANTHROPIC_API_KEY: optionalSecret,
  ANTHROPIC_BASE_URL: z.url().default("https://api.anthropic.com"),
  GEMINI_API_KEY: optionalSecret,
  GEMINI_BASE_URL: z.url().optional(),
  OPENROUTER_API_KEY: optionalSecret,
  OPENROUTER_BASE_URL: z.url().optional(),
  DEEPSEEK_API_KEY: optionalSecret,
  DEEPSEEK_BASE_URL: z.url().optional(),
  /** Operator-configured OpenAI-compatible endpoints, as JSON (docs/providers.md). */
  CUSTOM_PROVIDERS: z.string().optional(),
  /** The model that writes conversation titles; default: the cheapest usable one. */
  TITLE_MODEL: optionalSecret,
  /** Delay between the demo provider's chunks; realistic by default, tiny in tests. */
  DEMO_TOKEN_DELAY_MS: optionalNumber(25),
  /** Chat requests per window: guests (per IP) and signed-in users (per account). */
  GUEST_RATE_LIMIT: optionalNumber(10),
  GUEST_RATE_WINDOW_SECONDS: optionalNumber(300),
  USER_RATE_LIMIT: optionalNumber(60),
  USER_RATE_WINDOW_SECONDS: optionalNumber(300),
  /**
   * The built-in demo model's own limit, per guest address or account: it costs nothing, so it is
   * higher, and counted apart from the limit above (worker/limits/index.ts `demoRateLimit`).
   */
  DEMO_RATE_LIMIT: optionalNumber(60),
  DEMO_RATE_WINDOW_SECONDS: optionalNumber(300),
  /** Monthly caps per person (input + output tokens, and USD); 0 means no cap. */
  GUEST_MONTHLY_TOKENS: optionalNumber(200_000),
  GUEST_MONTHLY_COST_USD: optionalNumber(0.5),
  USER_MONTHLY_TOKENS: optionalNumber(5_000_000),
  USER_MONTHLY_COST_USD: optionalNumber(20),
  /**
   * Open sockets allowed per person on one conversation room, per guest address on one room
   * (guests can mint identities), and per person on their hub; 0 means no cap (docs/security.md).
   */
  ROOM_SOCKETS_PER_USER: optionalNumber(12),
  ROOM_SOCKETS_PER_GUEST_IP: optionalNumber(48),
  HUB_SOCKETS_PER_USER: optionalNumber(24),
  /** Moderation before prompts go upstream (docs/security.md). */
  MODERATION_MAX_PROMPT_CHARS: optionalNumber(32_000),
  MODERATION_BLOCKLIST: z.string().optional(),
  MODERATION_OPENAI: z
    .string()
    .optional()
    .transform((value) => value === "true" || value === "1"),
  /**
   * Bearer token for scripted use of `/api/v1/admin/*` (docs/admin.md); unset turns bearer access
   * off. Long enough that guessing it is hopeless.
   */
  ADMIN_TOKEN: strongSecret("ADMIN_TOKEN", optionalSecret),
  /** Accounts with these emails (comma separated, any case) are admins; others are members. */
  ADMIN_EMAILS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const emails = (value ?? "")
        .split(",")
        .map((email) => email.trim().toLowerCase())
        .filter((email) => email !== "");
      const invalid = emails.findIndex((email) => !z.email().safeParse(email).success);
      if (invalid !== -1) {
        // Which entry, not its text: configuration problems are shown on /healthz.
        ctx.addIssue({ code: "custom", message: `entry ${invalid + 1} is not an email address` });
        return z.NEVER;
      }
      return new Set(emails);
    }),
  /**
   * Whether `CF-Connecting-IP` is the client's address, as on Cloudflare, whose edge sets it.
   * `vite build` adds it for deploys (vite.config.ts); locally the header is whatever the client
   * sent, so without it every guest shares one bucket (docs/security.md).
   */
  TRUST_CF_CONNECTING_IP: z
    .string()
    .optional()
    .transform((value) => value === "true"),
  /** A provider that sends nothing for this long is abandoned with `upstream_timeout`. */
  UPSTREAM_IDLE_TIMEOUT_MS: optionalNumber(60_000),
  /**
   * Where mailed links point (`https://chat.example.com`); default: the origin of the request
   * that caused the mail.
   */
  APP_URL: unlessBlank(z.url().optional()),
  /**
   * How mail leaves (worker/auth/mail.ts): an HTTP mail API in the style of Resend (a JSON POST
   * with a bearer key), or Cloudflare Email Service's `send_email` binding named EMAIL. Neither:
   * links are printed on the console (local development).
   */
  MAIL_API_URL: unlessBlank(z.url().optional()),
  MAIL_API_KEY: optionalSecret,
  EMAIL: sendEmailBinding.optional(),
  /** The sender address of every mail, required once a transport is configured. */
  MAIL_FROM: unlessBlank(z.email("must be an email address").optional()),
  /**
   * Payments (worker/billing/, docs/billing.md). Without the secret key, plans are shown and
   * buying one says payments are not set up; the webhook secret is needed once the key is set.
   */
  STRIPE_SECRET_KEY: unlessBlank(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, "must be a Stripe secret key (sk_test_… or sk_live_…)")
      .optional(),
  ),
  STRIPE_WEBHOOK_SECRET: unlessBlank(
    z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=_-]+$/, "must be a webhook signing secret (whsec_…)")
      .optional(),
  ),
  /** Where the Stripe API is (a fake one in tests); default Stripe's own. */
  STRIPE_API_BASE: unlessBlank(z.url().optional()),
  /** Days a plan stays after its payment failed, before the person is back on Free. */
  BILLING_GRACE_DAYS: optionalNumber(7),
  /**
   * Traces over OTLP/HTTP (worker/observability/tracing.ts, docs/deploy.md): off unless the
   * collector's base URL is set; spans go to `<endpoint>/v1/traces`. The headers (a secret:
   * usually the collector's key) are `name=value` pairs separated by commas, values URL-encoded.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: unlessBlank(
    z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .refine((value) => !/[?#]/.test(value), "must be a base URL without query or fragment")
      .optional(),
  ),
  OTEL_EXPORTER_OTLP_HEADERS: optionalSecret.transform((value, ctx) => {
    const headers = otlpHeaders(value ?? "");
    if (typeof headers === "string") {
      ctx.addIssue({ code: "custom", message: headers });
      return z.NEVER;
    }
    return headers;
  }),
  OTEL_SERVICE_NAME: unlessBlank(
    z
      .string()
      .regex(/^[\w.-]{1,100}$/, "must be 1-100 letters, digits, dots, dashes or underscores")
      .default("parley"),
  ),
});
export type Config = z.infer<typeof configSchema>;

/**
 * Each problem names the variable and the rule it breaks, never its value: the list is shown on
 * `/healthz`, in every refused request and on the terminal of `npm run dev`. The messages are
 * written that way (secret-strength.ts, the rules above; zod's own do not quote the input).
 */
type Checked = { config: Config } | { problems: string[] };
const checked = new WeakMap<object, Checked>();

function problemOf(issue: z.core.$ZodIssue): string {
  const name = issue.path.join(".");
  return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
}

function check(env: Env): Checked {
  const cached = checked.get(env);
  if (cached) return cached;
  const result = configSchema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map(problemOf);
  if (result.success) {
    const { MAIL_FROM, MAIL_API_URL, EMAIL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET } = result.data;
    if (MAIL_FROM === undefined && (MAIL_API_URL !== undefined || EMAIL !== undefined)) {
      problems.push("MAIL_FROM must be set once a mail transport (MAIL_API_URL or EMAIL) is configured");
    }
    if (STRIPE_SECRET_KEY !== undefined && STRIPE_WEBHOOK_SECRET === undefined) {
      problems.push("STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY, or plan changes never arrive");
    }
    try {
      // Validated here so a malformed value stops the whole app, not just model lookups.
      parseCustomProviders(result.data);
    } catch (cause) {
      problems.push(cause instanceof Error ? cause.message : "CUSTOM_PROVIDERS is not valid");
    }
  }
  const outcome: Checked = result.success && problems.length === 0 ? { config: result.data } : { problems };
  // Once per env object, so once per isolate: the log gets one line, not one per request.
  if ("problems" in outcome) logError("invalid_configuration", { problems });
  checked.set(env, outcome);
  return outcome;
}

/** What is wrong with the configuration (variable names and rules), or [] when nothing is. */
export function configProblems(env: Env): string[] {
  const outcome = check(env);
  return "problems" in outcome ? outcome.problems : [];
}

/**
 * The one answer while the configuration is invalid, on every route but `/healthz` (which lists
 * the problems with the same words): 503, since the server cannot serve until its operator acts.
 */
export function misconfiguredError(problems: readonly string[]): AppError {
  return new AppError(503, "misconfigured", `The server is misconfigured: ${problems.join("; ")}.`, {
    retryable: false,
    expose: true,
  });
}

export function getConfig(env: Env): Config {
  const outcome = check(env);
  if ("problems" in outcome) throw misconfiguredError(outcome.problems);
  return outcome.config;
}
