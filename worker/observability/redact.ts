/**
 * The redaction layer every log line and every error report passes through. Parley's logs are
 * for operators: they may say who (a hash), what route, how long and which error code, but never
 * carry a credential or what people wrote. Two rules apply:
 *
 * - by field name: secrets (authorization, cookies, passwords, API keys, tokens) are replaced
 *   outright, and message text (content, prompt, text, messages, …) is replaced by its length;
 * - by shape, inside every string that is kept: provider keys (`sk-…`, `sk-ant-…`, `AIza…`),
 *   Parley's API tokens (`pk_live_…`), bearer credentials, JWTs, Parley's cookies and
 *   `password=`-style pairs are masked, so a key that ends up in an error message or a URL is
 *   caught too.
 */

export const REDACTED = "[redacted]";

/** Field names (compared lower-case, without `-` and `_`) whose value is always a secret. */
const SECRET_NAMES = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "cookies",
  "setcookie",
  "xapikey",
  "xgoogapikey",
  "apikey",
  "key",
  "passwd",
  "token",
  "dsn",
  "ciphertext",
  "encryptionkey",
  "sessionsecret",
  "privatekey",
]);

/** Field names whose value is what a person wrote (or what a model answered). */
const TEXT_NAMES = new Set([
  "content",
  "prompt",
  "text",
  "messages",
  "system",
  "systemprompt",
  "reasoning",
  "body",
]);

function normalized(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

function isSecretName(name: string): boolean {
  const key = normalized(name);
  return (
    SECRET_NAMES.has(key) ||
    key.includes("password") ||
    key.includes("secret") ||
    key.endsWith("apikey") ||
    key.endsWith("token")
  );
}

/** Credential shapes found inside free text; each keeps a hint of what was there. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bsk-ant-[A-Za-z0-9_-]{4,}/g, "sk-ant-[redacted]"],
  [/\bsk-[A-Za-z0-9_-]{6,}/g, "sk-[redacted]"],
  [/\bAIza[0-9A-Za-z_-]{10,}/g, "AIza[redacted]"],
  // Parley's own personal access tokens (worker/compat/tokens.ts).
  [/\bpk_live_[A-Za-z0-9_-]{4,}/g, "pk_live_[redacted]"],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, "[redacted-jwt]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  [/\b(parley_[a-z_]+)=[^;\s,"']+/gi, "$1=[redacted]"],
  [
    /\b(password|passwd|api[_-]?key|key|token|secret|access_token|refresh_token)=([^&\s"',;]+)/gi,
    "$1=[redacted]",
  ],
  // A JSON document inside a string (a request body in an error message).
  [/("(?:password|apiKey|api_key|token|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
];

/** The same for message text inside a JSON document held in a string. */
const TEXT_IN_JSON = /("(?:content|prompt|text|system|systemPrompt|reasoning)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** Masks every credential-shaped part of `text` (and quoted message text, unless kept). */
export function scrubText(text: string, { keepText = false }: { keepText?: boolean } = {}): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return keepText ? out : out.replace(TEXT_IN_JSON, '$1"[redacted]"');
}

export interface RedactOptions {
  /** Keep message text fields (only for local debugging; never on in production). */
  keepText?: boolean;
  maxDepth?: number;
  /** Longer arrays are cut, with a note of how many items were left out. */
  maxArrayItems?: number;
  /** Longer strings are cut. */
  maxStringLength?: number;
}

const DEFAULTS: Required<RedactOptions> = {
  keepText: false,
  maxDepth: 8,
  maxArrayItems: 50,
  maxStringLength: 4_000,
};

/**
 * A copy of `value` that is safe to log: secrets and message text removed by field name,
 * credential shapes masked in every string, errors flattened to name/message/stack.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  return walk(value, { ...DEFAULTS, ...options }, 0, new WeakSet());
}

function walk(
  value: unknown,
  options: Required<RedactOptions>,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (typeof value === "string") {
    const scrubbed = scrubText(value, options);
    return scrubbed.length > options.maxStringLength
      ? `${scrubbed.slice(0, options.maxStringLength)}…`
      : scrubbed;
  }
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? value.toString() : typeof value === "function" ? undefined : value;
  }
  if (seen.has(value)) return "[circular]";
  if (depth >= options.maxDepth) return "[nested]";
  seen.add(value);
  if (value instanceof Error) {
    const flat: Record<string, unknown> = { name: value.name, message: value.message };
    if (value.stack) flat.stack = value.stack;
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) flat.code = code;
    if (value.cause !== undefined) flat.cause = value.cause;
    return walk(flat, options, depth, seen);
  }
  if (value instanceof Headers) {
    return walk(Object.fromEntries(value.entries()), options, depth, seen);
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, options.maxArrayItems).map((item) => walk(item, options, depth + 1, seen));
    if (value.length > options.maxArrayItems) items.push(`[${value.length - options.maxArrayItems} more]`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (isSecretName(key)) {
      out[key] = item === null || item === "" ? item : REDACTED;
    } else if (!options.keepText && TEXT_NAMES.has(normalized(key))) {
      out[key] = describeText(item);
    } else {
      out[key] = walk(item, options, depth + 1, seen);
    }
  }
  return out;
}

/** What is left of a text field: its size, so "empty prompt" bugs stay visible. */
function describeText(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return `[${value.length} chars]`;
  if (Array.isArray(value)) return `[${value.length} items]`;
  return REDACTED;
}
