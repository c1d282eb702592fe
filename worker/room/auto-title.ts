/**
 * Names a conversation after its first answer: a cheap available model writes a short title;
 * without one (demo-only set-ups) the provisional title cut from the first prompt stays.
 */
import { database, setTitleIfUntitled } from "../db/queries";
import { getConfig } from "../env";
import { logError } from "../observability/log";
import { createProvider } from "../providers";
import { usableModels, type CatalogueModel } from "../providers/catalogue";
import { isBuiltinProviderId, type Provider } from "../providers/types";
import { titleFrom } from "./turn/plan";
import type { TurnHost } from "./turn/runner";

const TITLE_INSTRUCTION =
  "Write a title of three to six words for the conversation above. Answer with the title only: " +
  "no quotes, no trailing punctuation.";
const MAX_TITLE_CHARS = 80;

/**
 * The model used for titles: `preferred` when usable, else the cheapest usable hosted model.
 * Operators' own endpoints are left out unless chosen: they cost nothing but may be slow or down.
 */
export function pickTitleModel(models: CatalogueModel[], preferred?: string): CatalogueModel | undefined {
  const preferredModel = preferred ? models.find((model) => model.id === preferred) : undefined;
  if (preferredModel) return preferredModel;
  const real = models.filter((model) => model.provider !== "demo" && isBuiltinProviderId(model.provider));
  const price = (model: CatalogueModel) => model.pricing.inputPerMTok + model.pricing.outputPerMTok;
  return [...real].sort((a, b) => price(a) - price(b))[0];
}

/** Cleans what a model answered into a one-line title, or null when nothing usable came back. */
export function cleanTitle(raw: string): string | null {
  const line = raw
    .replace(/^[\s"'`*#]+|[\s"'`*.!?]+$/g, "")
    .split("\n")[0]
    ?.trim();
  if (!line) return null;
  return line.length > MAX_TITLE_CHARS ? `${line.slice(0, MAX_TITLE_CHARS - 1).trimEnd()}…` : line;
}

/** Asks `provider` for a title for the exchange; resolves to null on any failure. */
export async function writeTitle(
  provider: Provider,
  model: CatalogueModel,
  prompt: string,
  answer: string,
  signal: AbortSignal,
): Promise<string | null> {
  let text = "";
  try {
    const stream = provider.stream(
      {
        model: model.upstreamId,
        maxOutputTokens: 32,
        messages: [
          { role: "user", content: prompt.slice(0, 2_000) },
          { role: "assistant", content: answer.slice(0, 2_000) },
          { role: "user", content: TITLE_INSTRUCTION },
        ],
      },
      signal,
    );
    for await (const event of stream) {
      if (event.type === "text") text += event.text;
      if (event.type === "error") return null;
    }
  } catch {
    return null;
  }
  return cleanTitle(text);
}

/**
 * Replaces the provisional title with one a cheap model writes, once the first answer is done;
 * failures keep the old one. `notify` tells the owner's devices.
 */
export async function retitle(
  host: TurnHost,
  prompt: string,
  answer: string,
  notify: () => void,
): Promise<void> {
  if (answer === "") return;
  try {
    const db = database(host.env.DB);
    const model = pickTitleModel(await usableModels(db, host.env), getConfig(host.env).TITLE_MODEL);
    const provider = model ? createProvider(model.provider, host.env) : null;
    if (!model || !provider) return;
    const title = await writeTitle(provider, model, prompt, answer, AbortSignal.timeout(15_000));
    if (title && (await setTitleIfUntitled(db, host.name, title, titleFrom(prompt)))) {
      host.store.noteTitle(title);
      host.audience.publish({ type: "title", title });
      notify();
    }
  } catch (cause) {
    logError("auto_title_failed", { room: host.name, cause });
  }
}
