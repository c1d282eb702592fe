/**
 * Names a conversation after its first answer: a cheap available model writes a short title;
 * without one (demo-only set-ups) the provisional title cut from the first prompt stays.
 */
import { database, setTitleIfUntitled, type Db } from "../db/queries";
import { operatorUsage } from "../db/schema";
import { getConfig } from "../env";
import { logError } from "../observability/log";
import { createProvider } from "../providers";
import { priceUsage, usableModels, type CatalogueModel } from "../providers/catalogue";
import { estimateRequestTokens, estimateTokens } from "../providers/token-estimate";
import {
  isBuiltinProviderId,
  type Provider,
  type ProviderRequest,
  type ProviderUsage,
} from "../providers/types";
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

/** What a title call produced: the title (null on any failure) and what the call used. */
export interface WrittenTitle {
  title: string | null;
  /** The provider's count, or an estimate when it reported none; null if nothing was spent. */
  usage: (ProviderUsage & { estimated: boolean }) | null;
}

/** Asks `provider` for a title for the exchange; the title is null on any failure. */
export async function writeTitle(
  provider: Provider,
  model: CatalogueModel,
  prompt: string,
  answer: string,
  signal: AbortSignal,
): Promise<WrittenTitle> {
  const request: ProviderRequest = {
    model: model.upstreamId,
    maxOutputTokens: 32,
    messages: [
      { role: "user", content: prompt.slice(0, 2_000) },
      { role: "assistant", content: answer.slice(0, 2_000) },
      { role: "user", content: TITLE_INSTRUCTION },
    ],
  };
  let text = "";
  let usage: ProviderUsage | null = null;
  let failed = false;
  try {
    for await (const event of provider.stream(request, signal)) {
      if (event.type === "text") text += event.text;
      if (event.type === "usage") usage = event.usage;
      if (event.type === "error") failed = true;
    }
  } catch {
    failed = true;
  }
  // A call that wrote something was paid for, reported or not (a timeout cuts the report off).
  const spent: WrittenTitle["usage"] = usage
    ? { ...usage, estimated: false }
    : text !== ""
      ? { inputTokens: estimateRequestTokens(request), outputTokens: estimateTokens(text), estimated: true }
      : null;
  return { title: failed ? null : cleanTitle(text), usage: spent };
}

/** Records a title call's usage as the operator's own (admin Usage; no one's quota). */
async function recordTitleUsage(
  db: Db,
  conversationId: string,
  model: CatalogueModel,
  usage: NonNullable<WrittenTitle["usage"]>,
): Promise<void> {
  const priced = priceUsage(model, usage);
  await db.insert(operatorUsage).values({
    id: crypto.randomUUID(),
    purpose: "title",
    conversationId,
    model: model.id,
    provider: model.provider,
    inputTokens: priced.inputTokens,
    outputTokens: priced.outputTokens,
    costUsd: priced.costUsd,
    estimated: usage.estimated,
    createdAt: Date.now(),
  });
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
    const { title, usage } = await writeTitle(provider, model, prompt, answer, AbortSignal.timeout(15_000));
    if (usage) await recordTitleUsage(db, host.name, model, usage);
    if (title && (await setTitleIfUntitled(db, host.name, title, titleFrom(prompt)))) {
      host.store.noteTitle(title);
      host.audience.publish({ type: "title", title });
      notify();
    }
  } catch (cause) {
    logError("auto_title_failed", { room: host.name, cause });
  }
}
