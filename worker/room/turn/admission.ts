/**
 * Admission: the one place that decides whether a turn may start, whichever way it was asked
 * for (a device's `send`, `edit`, `regenerate` or `continue`, or `POST /api/v1/chat/stream`).
 * In order: the model exists and this person can reach it, the options fit the model, the files
 * are theirs and the model can read them, the prompt passes moderation, the monthly quota has
 * room, and finally the person's RateLimiter counts the request and hands out a generation slot
 * in one call. Nothing is spent upstream before all of it has passed. The demo model has no quota
 * and a rate limit of its own (worker/limits/index.ts `demoRateLimit`).
 */
import type { Db } from "../../db/queries";
import type { Attachment } from "../../db/schema";
import { getConfig } from "../../env";
import { AppError } from "../../errors";
import {
  demoRateLimit,
  enforceQuota,
  isDemoModel,
  limitsFrom,
  planFrom,
  rateLimitFor,
  type RateDecision,
  type Subject,
} from "../../limits";
import { acquireGenerationSlot, type GenerationSlot } from "../../limits/concurrency";
import { moderatePrompt } from "../../moderation";
import type { GenerationOptions } from "#protocol/messages";
import { createProvider, withOwnKeys } from "../../providers";
import { acceptsAttachment } from "../../providers/attachments";
import { isUsableModel, type CatalogueModel } from "../../providers/catalogue";
import type { Provider } from "../../providers/types";
import type { AdmissionFacts } from "./facts";
import { optionsOf, type ApiExtras, type ShapedTurn, type TurnPlan } from "./plan";

export interface AdmissionRequest {
  env: Env;
  db: Db;
  conversationId: string;
  subject: Subject;
  plan: TurnPlan;
  shaped: ShapedTurn;
  facts: AdmissionFacts;
  /** Looks up a model the plan did not name (a regenerate keeps its answer's model). */
  findModel: (id: string) => Promise<CatalogueModel | undefined>;
}

/** A turn that may start: what answers it, and the slot it holds until the answer ends. */
export interface Admitted {
  model: CatalogueModel;
  provider: Provider;
  options: GenerationOptions;
  /** Paid with the person's own key for this provider. */
  ownKey: boolean;
  uploads: Attachment[];
  slot: GenerationSlot;
  /** The sender's rate-limit window after this request. */
  rate: RateDecision | undefined;
}

/** Decides a turn, or throws the AppError that says why not. The caller releases the slot. */
export async function admit(request: AdmissionRequest): Promise<Admitted> {
  const { env, db, subject, plan, shaped, facts } = request;
  const config = getConfig(env);
  const providerEnv = withOwnKeys(env, facts.ownKeys);
  const candidate =
    facts.planned && facts.planned.id === shaped.model
      ? facts.planned
      : await request.findModel(shaped.model);
  const model = candidate && isUsableModel(candidate, providerEnv) ? candidate : undefined;
  const provider = model ? createProvider(model.provider, providerEnv) : null;
  if (!model || !provider) {
    throw new AppError(
      400,
      "unknown_model",
      `The model "${shaped.model}" is not available. See GET /api/v1/models.`,
    );
  }
  const options = optionsOf(plan);
  checkOptions(model, options);
  if (plan.kind === "send" && plan.api) checkApiExtras(model, plan.api);
  checkUploads(model, facts);
  if (shaped.prompt !== null) {
    await moderatePrompt(db, config, {
      text: shaped.prompt,
      userId: subject.userId,
      conversationId: request.conversationId,
    });
  }
  const ownKey = facts.ownKeys.has(model.provider);
  const now = facts.readAt.getTime();
  const terms = planFrom(subject, facts.limitRows, now);
  const limits = limitsFrom(subject, config, facts.limitRows, now);
  // Answers paid with the person's own key are theirs to spend: their plan's models and quota
  // do not apply, only the rate limit.
  if (!ownKey && terms.excludedModels.includes(model.id)) throw upgradeRequired(model, terms.name);
  // The demo costs nothing: no quota, and its own limit, counted apart from the real models'.
  const demo = isDemoModel(model);
  if (!ownKey && !demo) enforceQuota({ limits, used: facts.used, now: facts.readAt });
  // The rate limit counts the request, and at most a few answers per person run at once across
  // all their conversations: both asked of the person's limiter in one call.
  const slot = await acquireGenerationSlot(env, subject, {
    rate: demo ? demoRateLimit(config) : rateLimitFor(limits),
    ...(terms.concurrentGenerations !== null ? { cap: terms.concurrentGenerations } : {}),
  });
  return { model, provider, options, ownKey, uploads: facts.uploads, slot, rate: slot.rate };
}

/** A model the person's plan leaves out: a higher plan has it. */
function upgradeRequired(model: CatalogueModel, planName: string): AppError {
  return new AppError(
    403,
    "upgrade_required",
    `${model.name} is not part of the ${planName} plan. Upgrade in Settings → Plan to use it, or pick another model.`,
  );
}

function checkUploads(model: CatalogueModel, facts: AdmissionFacts): void {
  if (facts.uploads.length !== new Set(facts.uploadIds).size) {
    throw new AppError(
      400,
      "invalid_attachment",
      "One of the files is not yours, was already sent, or no longer exists. Attach it again.",
    );
  }
  for (const upload of facts.uploads) {
    if (upload.kind !== "text" && !acceptsAttachment(model, upload.kind)) {
      throw new AppError(
        400,
        "unsupported_attachment",
        `${model.name} cannot read ${upload.kind === "image" ? "images" : "PDFs"}. Pick a model that can, or remove "${upload.name}".`,
      );
    }
  }
}

/** What only API clients ask for: their own tools, and stop sequences. */
function checkApiExtras(model: CatalogueModel, api: ApiExtras): void {
  if (api.tools?.length && !model.caps.tools) {
    throw new AppError(400, "unsupported_option", `${model.name} cannot call tools.`);
  }
  // OpenAI's reasoning models (the ones without a temperature) refuse stop sequences outright.
  if (api.stop?.length && model.provider === "openai" && !model.caps.temperature) {
    throw new AppError(400, "unsupported_option", `${model.name} does not take stop sequences.`);
  }
}

/** Refuses options the model cannot take, rather than letting the upstream fail obscurely. */
export function checkOptions(model: CatalogueModel, options: GenerationOptions): void {
  const refuse = (message: string) => new AppError(400, "unsupported_option", message);
  if (options.temperature !== undefined && !model.caps.temperature) {
    throw refuse(`${model.name} does not take a temperature.`);
  }
  if (options.reasoningEffort !== undefined && !model.caps.reasoning) {
    throw refuse(`${model.name} has no reasoning effort to set.`);
  }
  if (options.maxOutputTokens !== undefined && options.maxOutputTokens > model.maxOutput) {
    throw refuse(`${model.name} writes at most ${model.maxOutput} tokens per answer.`);
  }
  if (options.tools && !model.caps.tools) throw refuse(`${model.name} cannot call tools.`);
  if (options.responseFormat === "json" && !model.caps.json) {
    throw refuse(`${model.name} has no JSON mode.`);
  }
}
