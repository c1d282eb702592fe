/**
 * Whether a secret from the environment is fit to sign sessions, encrypt keys or open the admin
 * API. A secret anyone can read (the placeholders in .dev.vars.example, "changeme" and the like)
 * or one with little randomness lets a stranger forge sessions, so the worker refuses to run with
 * it (worker/env.ts). The checks are cheap and catch lazy values, not every weak one:
 *
 * - at least 32 characters;
 * - not a published placeholder: the example file's values, or words such as "replace me",
 *   "changeme", "placeholder", "example", "your secret";
 * - at least 8 different characters, and not one short piece repeated ("abab…", "0123456789…");
 * - an estimated strength of at least 128 bits: length × log2 of the alphabet the characters come
 *   from (hex 16, digits 10, otherwise the sum of the classes used: 26 lower, 26 upper, 10 digits,
 *   33 others), so 32 hex characters are enough and 32 digits are not.
 *
 * `openssl rand -base64 32` and `scripts/ensure-dev-vars.ts` (64 hex characters) always pass.
 */

export const MIN_SECRET_LENGTH = 32;
const MIN_DISTINCT = 8;
const MIN_BITS = 128;

/** The values .dev.vars.example publishes; anyone who read the repository knows them. */
const PUBLISHED = new Set([
  "replace-me-with-a-long-random-string",
  "replace-me-with-another-long-random-string",
]);

const PLACEHOLDER_WORDS =
  /replace[\W_]*me|change[\W_]*(?:me|it|this)|placeholder|example|your[\W_]*(?:own[\W_]*)?(?:secret|key|token)/i;

const GENERATE = "generate one with `openssl rand -base64 32`";

function alphabetSize(value: string): number {
  if (/^[0-9]+$/.test(value)) return 10;
  if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) return 16;
  let size = 0;
  if (/[a-z]/.test(value)) size += 26;
  if (/[A-Z]/.test(value)) size += 26;
  if (/[0-9]/.test(value)) size += 10;
  if (/[^a-zA-Z0-9]/.test(value)) size += 33;
  return size;
}

/** Whether `value` is one piece of at most half its length, repeated (the last copy may be cut). */
function isRepeated(value: string): boolean {
  for (let period = 1; period <= value.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < value.length && repeats; i++) repeats = value[i] === value[i - period];
    if (repeats) return true;
  }
  return false;
}

/** Why `value` is unfit as the secret `name`, or null. The reason never contains the value. */
export function secretProblem(name: string, value: string): string | null {
  if (value.length < MIN_SECRET_LENGTH) {
    return `${name} must be at least ${MIN_SECRET_LENGTH} characters; ${GENERATE}`;
  }
  if (PUBLISHED.has(value) || PLACEHOLDER_WORDS.test(value)) {
    return `${name} is a published placeholder, so anyone could use it; ${GENERATE}`;
  }
  const bits = value.length * Math.log2(alphabetSize(value));
  if (new Set(value).size < MIN_DISTINCT || isRepeated(value) || bits < MIN_BITS) {
    return `${name} is too predictable (too few different characters or a repeated pattern); ${GENERATE}`;
  }
  return null;
}
