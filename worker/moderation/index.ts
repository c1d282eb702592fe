/**
 * Moderation hooks: checks run on a prompt before it goes upstream. Each check either passes or
 * names a category; the first refusal wins, is recorded for the admin, and reaches the person
 * as a `content_blocked` error. Answers go through the same checks while they stream, a window of
 * text at a time, under the operator's policy (output.ts). Built in: a prompt-size cap, an operator blocklist, and OpenAI's
 * moderation endpoint when enabled. Adding a check is adding a `ModerationCheck`.
 */
import type { Config } from "../env";
import type { Db } from "../db/queries";
import { moderationEvents } from "../db/schema";
import { logError } from "../observability/log";
import { AppError } from "../errors";

export interface ModerationInput {
  text: string;
  userId: string;
  conversationId: string | null;
}

export interface ModerationRefusal {
  check: string;
  category: string;
}

export interface ModerationCheck {
  name: string;
  check(input: ModerationInput, signal: AbortSignal): Promise<ModerationRefusal | null>;
}

/** The refusal a person sees when a check stops their prompt. */
export function contentBlocked(refusal: ModerationRefusal): AppError {
  if (refusal.check === "max_prompt_size") {
    return new AppError(
      400,
      "prompt_too_long",
      "This message is longer than this server accepts. Shorten it and try again.",
    );
  }
  return new AppError(
    400,
    "content_blocked",
    "This message was not sent: it goes against this server's content rules.",
  );
}

export function maxPromptSize(maxChars: number): ModerationCheck {
  return {
    name: "max_prompt_size",
    check: async ({ text }) =>
      text.length > maxChars ? { check: "max_prompt_size", category: "size" } : null,
  };
}

/**
 * Terms separated by commas or new lines; a term matches as a whole word, case-insensitively.
 * `/pattern/` entries are regular expressions, for operators who need them.
 */
export function blocklist(spec: string): ModerationCheck | null {
  const patterns = spec
    .split(/[\n,]/)
    .map((term) => term.trim())
    .filter((term) => term !== "")
    .map((term) =>
      term.length > 2 && term.startsWith("/") && term.endsWith("/")
        ? new RegExp(term.slice(1, -1), "iu")
        : new RegExp(
            `(^|[^\\p{L}\\p{N}])${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}])`,
            "iu",
          ),
    );
  if (patterns.length === 0) return null;
  return {
    name: "blocklist",
    check: async ({ text }) =>
      patterns.some((pattern) => pattern.test(text)) ? { check: "blocklist", category: "blocklist" } : null,
  };
}

/** OpenAI's moderation endpoint (`omni-moderation-latest`); a failed call lets the prompt pass. */
export function openAIModeration(apiKey: string, baseURL: string): ModerationCheck {
  return {
    name: "openai_moderation",
    async check({ text }, signal) {
      try {
        const response = await fetch(`${baseURL.replace(/\/$/, "")}/moderations`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "omni-moderation-latest", input: text }),
          signal,
        });
        if (!response.ok) throw new Error(`moderation answered ${response.status}`);
        const body: unknown = await response.json();
        const result = firstResult(body);
        if (!result?.flagged) return null;
        const category = Object.entries(result.categories).find(([, hit]) => hit)?.[0] ?? "flagged";
        return { check: "openai_moderation", category };
      } catch (cause) {
        // Failing open keeps chat working when the moderation service is down; it is logged.
        logError("moderation_unavailable", { cause });
        return null;
      }
    },
  };
}

function firstResult(body: unknown): { flagged: boolean; categories: Record<string, boolean> } | null {
  if (typeof body !== "object" || body === null || !("results" in body) || !Array.isArray(body.results))
    return null;
  const first: unknown = body.results[0];
  if (typeof first !== "object" || first === null || !("flagged" in first)) return null;
  const categories: Record<string, boolean> = {};
  if ("categories" in first && typeof first.categories === "object" && first.categories !== null) {
    for (const [name, hit] of Object.entries(first.categories)) categories[name] = hit === true;
  }
  return { flagged: first.flagged === true, categories };
}

/**
 * The checks this configuration enables, cheapest first. Answers (`output`) go through the same
 * checks as prompts but the size cap, which is about what a person may send.
 */
export function moderationChecks(
  config: Config,
  direction: "prompt" | "output" = "prompt",
): ModerationCheck[] {
  const checks: ModerationCheck[] =
    direction === "prompt" ? [maxPromptSize(config.MODERATION_MAX_PROMPT_CHARS)] : [];
  const words = config.MODERATION_BLOCKLIST ? blocklist(config.MODERATION_BLOCKLIST) : null;
  if (words) checks.push(words);
  if (config.MODERATION_OPENAI && config.OPENAI_API_KEY) {
    checks.push(openAIModeration(config.OPENAI_API_KEY, config.OPENAI_BASE_URL));
  }
  return checks;
}

/** Runs every check; records and throws the first refusal. */
export async function moderatePrompt(db: Db, config: Config, input: ModerationInput): Promise<void> {
  const signal = AbortSignal.timeout(5_000);
  for (const check of moderationChecks(config)) {
    const refusal = await check.check(input, signal);
    if (!refusal) continue;
    await db.insert(moderationEvents).values({
      id: crypto.randomUUID(),
      userId: input.userId,
      conversationId: input.conversationId,
      check: refusal.check,
      category: refusal.category,
      excerpt: input.text.slice(0, 200),
      createdAt: Date.now(),
    });
    throw contentBlocked(refusal);
  }
}
