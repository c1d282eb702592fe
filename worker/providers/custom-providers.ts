/**
 * Operator-configured OpenAI-compatible endpoints (Ollama, vLLM, llama.cpp, LM Studio, a private
 * gateway), from one env var holding JSON:
 *   CUSTOM_PROVIDERS=[{"name":"ollama","baseURL":"http://127.0.0.1:11434/v1",
 *                      "models":[{"id":"llama3.1","name":"Llama 3.1 8B","context":131072}]}]
 * Parsed once per env object; a malformed value fails loudly, naming the field at fault.
 */
import { z } from "zod";
import { BUILTIN_PROVIDER_IDS, isBuiltinProviderId } from "./types";

const customModelSchema = z.strictObject({
  /** The id the endpoint expects, e.g. `llama3.1` or `Qwen/Qwen3-8B`. */
  id: z.string().trim().min(1, "must not be empty"),
  /** What people see in the model picker; default: the id. */
  name: z.string().trim().min(1).optional(),
  context: z.number().int().positive().optional(),
  maxOutput: z.number().int().positive().optional(),
});

const customProviderSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug such as `ollama` or `vllm-gpu`")
    .max(40)
    .refine((name) => !isBuiltinProviderId(name), {
      message: `must not be a built-in provider id (${BUILTIN_PROVIDER_IDS.join(", ")})`,
    }),
  baseURL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. http://127.0.0.1:11434/v1" }),
  /** Optional: local servers usually take none. */
  apiKey: z.string().optional(),
  models: z.array(customModelSchema).min(1, "must list at least one model"),
});

const customProvidersSchema = z.array(customProviderSchema).superRefine((providers, ctx) => {
  const seen = new Set<string>();
  for (const [index, provider] of providers.entries()) {
    if (seen.has(provider.name)) {
      ctx.addIssue({ code: "custom", path: [index, "name"], message: `"${provider.name}" is used twice` });
    }
    seen.add(provider.name);
    const ids = provider.models.map((model) => model.id);
    for (const [modelIndex, id] of ids.entries()) {
      if (ids.indexOf(id) !== modelIndex) {
        ctx.addIssue({
          code: "custom",
          path: [index, "models", modelIndex, "id"],
          message: `"${id}" is listed twice`,
        });
      }
    }
  }
});

export type CustomProvider = z.infer<typeof customProviderSchema>;
export type CustomModel = z.infer<typeof customModelSchema>;

export class CustomProvidersError extends Error {
  override name = "CustomProvidersError";
}

/** Wrangler `[vars]` may hold the JSON as a string or, written as a TOML/JSON value, already parsed. */
function jsonValue(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    // Where, not the parser's excerpt of the text: the value may hold an endpoint's apiKey.
    const where = error instanceof Error ? /position \d+/.exec(error.message)?.[0] : undefined;
    throw new CustomProvidersError(`CUSTOM_PROVIDERS is not valid JSON${where ? ` (at ${where})` : ""}`);
  }
}

/** `CUSTOM_PROVIDERS` as validated endpoints; [] when unset or blank. Throws CustomProvidersError. */
export function parseCustomProvidersValue(raw: unknown): CustomProvider[] {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return [];
  const result = customProvidersSchema.safeParse(jsonValue(raw));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path
      .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
      .join("");
    return `CUSTOM_PROVIDERS${path}: ${issue.message}`;
  });
  throw new CustomProvidersError(`Invalid CUSTOM_PROVIDERS: ${problems.join("; ")}`);
}

const parsedByEnv = new WeakMap<object, CustomProvider[]>();

/** The custom endpoints configured in `env`, parsed once per env object. */
export function parseCustomProviders(env: { CUSTOM_PROVIDERS?: unknown }): CustomProvider[] {
  const cached = parsedByEnv.get(env);
  if (cached) return cached;
  const providers = parseCustomProvidersValue(env.CUSTOM_PROVIDERS);
  parsedByEnv.set(env, providers);
  return providers;
}
