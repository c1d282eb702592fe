/**
 * The admin API's shapes (`/api/v1/admin/*`, docs/admin.md): the catalogue as the operator edits
 * it, limits, people, usage and the logs. Only the lazily loaded /admin page of the web app reads
 * them, and the worker's admin routes and queries answer with them.
 */
import { z } from "zod";
import { userKindSchema } from "./messages.ts";
import { modelInfoSchema, sessionUserSchema } from "./http.ts";

/** Lists come newest first, a page at a time; this is where the next page starts (null: the end). */
const nextCursor = z.string().nullable();

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/** A catalogue model as the admin sees it: everything, plus whether it can answer right now. */
export const adminModelSchema = modelInfoSchema.extend({
  upstreamId: z.string(),
  enabled: z.boolean(),
  sortOrder: z.number(),
  /** The provider has a server key (or needs none). */
  available: z.boolean(),
  /** Models of CUSTOM_PROVIDERS endpoints change with the configuration, not here. */
  editable: z.boolean(),
  isDefault: z.boolean(),
});
export type AdminModel = z.infer<typeof adminModelSchema>;
export const adminModelListSchema = z.object({
  models: z.array(adminModelSchema),
  defaultModel: z.string().nullable(),
});
export const adminModelAnswerSchema = z.object({ model: adminModelSchema });

const price = z.number().min(0).max(10_000);
const tokenCount = z.number().int().min(1).max(100_000_000);

/** `PATCH /api/v1/admin/models/:id` body: the fields to change. */
export const adminModelPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    name: z.string().trim().min(1).max(120).optional(),
    context: tokenCount.optional(),
    maxOutput: tokenCount.optional(),
    sortOrder: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    caps: modelInfoSchema.shape.caps.partial().strict().optional(),
    pricing: z
      .object({ inputPerMTok: price, cachedInputPerMTok: price, outputPerMTok: price })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Name at least one field to change.");
export type AdminModelPatch = z.input<typeof adminModelPatchSchema>;

/** `PUT /api/v1/admin/settings/default-model` body; null: the first usable model. */
export const defaultModelSchema = z.object({ model: z.string().min(1).max(200).nullable() }).strict();
export const defaultModelAnswerSchema = z.object({ defaultModel: z.string().nullable() });

// ---------------------------------------------------------------------------------------------
// Output moderation
// ---------------------------------------------------------------------------------------------

/** `off`: answers are not checked; `flag`: flagged windows are recorded; `stop`: the answer also ends. */
export const OUTPUT_MODERATION_MODES = ["off", "flag", "stop"] as const;
export const outputModerationModeSchema = z.enum(OUTPUT_MODERATION_MODES);
export type OutputModerationMode = z.infer<typeof outputModerationModeSchema>;

/**
 * How answers are moderated while they stream (`PUT /api/v1/admin/settings/output-moderation`).
 * A model listed in `models` uses its own mode instead of `mode`. Answers are checked a window of
 * at least `windowChars` characters at a time, cut at the end of a sentence (docs/decisions/0010).
 */
export const outputModerationSchema = z
  .object({
    mode: outputModerationModeSchema.default("off"),
    models: z
      .record(z.string().min(1).max(200), outputModerationModeSchema)
      .default({})
      .refine((models) => Object.keys(models).length <= 500, "At most 500 models may have their own mode."),
    /** What a stopped answer keeps: its text up to the flagged window's end, or only a notice. */
    onStop: z.enum(["keep", "withhold"]).default("keep"),
    windowChars: z.number().int().min(100).max(10_000).default(600),
  })
  .strict();
export type OutputModerationPolicy = z.infer<typeof outputModerationSchema>;
export type OutputModerationInput = z.input<typeof outputModerationSchema>;

export const outputModerationViewSchema = z.object({
  policy: outputModerationSchema,
  /** The checks an answer goes through when its mode is not `off` (none: nothing would be caught). */
  checks: z.array(z.string()),
});
export type OutputModerationView = z.infer<typeof outputModerationViewSchema>;

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

export const LIMIT_FIELDS = ["rateLimit", "rateWindowSeconds", "monthlyTokens", "monthlyCostUsd"] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

/** The limits that apply to one person: chat requests per window and the monthly caps. */
export const limitsSchema = z.object({
  rateLimit: z.number(),
  rateWindowSeconds: z.number(),
  /** Input + output tokens per calendar month (UTC); 0 means no cap. */
  monthlyTokens: z.number(),
  /** USD per calendar month (UTC); 0 means no cap. */
  monthlyCostUsd: z.number(),
});
export type Limits = z.infer<typeof limitsSchema>;

/**
 * One tier's (or one person's) overrides; a missing or null field keeps the value beneath it.
 * The bounds keep an admin's typo from locking everyone out (a limit of 0) or overflowing.
 */
export const limitOverridesSchema = z
  .object({
    rateLimit: z.number().int().min(1).max(1_000_000).nullable().optional(),
    rateWindowSeconds: z
      .number()
      .int()
      .min(1)
      .max(31 * 24 * 3600)
      .nullable()
      .optional(),
    monthlyTokens: z.number().int().min(0).max(1e12).nullable().optional(),
    monthlyCostUsd: z.number().min(0).max(1e6).nullable().optional(),
  })
  .strict();
export type LimitOverrides = z.infer<typeof limitOverridesSchema>;

/** The admin's global overrides per tier (`PUT /api/v1/admin/settings/limits` body). */
export const globalLimitsSchema = z
  .object({ guest: limitOverridesSchema.default({}), user: limitOverridesSchema.default({}) })
  .strict();
export type GlobalLimits = z.infer<typeof globalLimitsSchema>;

const tiers = <T extends z.ZodType>(schema: T) => z.object({ guest: schema, user: schema });

export const limitsViewSchema = z.object({
  /** What the environment sets (the deploy's defaults). */
  defaults: tiers(limitsSchema),
  /** The admin's overrides of those (null or missing: the default stands). */
  overrides: tiers(limitOverridesSchema),
  /** What applies to someone without a personal override. */
  effective: tiers(limitsSchema),
});
export type LimitsView = z.infer<typeof limitsViewSchema>;

// ---------------------------------------------------------------------------------------------
// People and usage
// ---------------------------------------------------------------------------------------------

/** Answers Parley paid for (not those made with a person's own key). */
export const usageSummarySchema = z.object({ answers: z.number(), tokens: z.number(), costUsd: z.number() });
export type UsageSummary = z.infer<typeof usageSummarySchema>;

export const adminUserSchema = sessionUserSchema.extend({
  bannedAt: z.number().nullable(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  /** Personal overrides; null keeps the tier's limit. */
  limits: z.object({
    rateLimit: z.number().nullable(),
    rateWindowSeconds: z.number().nullable(),
    monthlyTokens: z.number().nullable(),
    monthlyCostUsd: z.number().nullable(),
  }),
  /** This calendar month (UTC). */
  usage: usageSummarySchema,
  /** The plan on their row (null: the plan of their kind) and how they got it. */
  plan: z.object({ id: z.string().nullable(), source: z.enum(["stripe", "grant"]).nullable() }),
});
export type AdminUser = z.infer<typeof adminUserSchema>;
export const adminUserAnswerSchema = z.object({ user: adminUserSchema });
export const adminUserPageSchema = z.object({ users: z.array(adminUserSchema), nextCursor });

/** Usage and cost over the last `days` (UTC), by day, by model and by person. */
export const usageReportSchema = z.object({
  days: z.number(),
  /** The first day counted, `YYYY-MM-DD` (UTC); the last is today. */
  from: z.string(),
  to: z.string(),
  total: usageSummarySchema,
  /** Every day of the range, oldest first, zeros included. */
  byDay: z.array(usageSummarySchema.extend({ day: z.string() })),
  byModel: z.array(usageSummarySchema.extend({ model: z.string() })),
  /**
   * Calls Parley made on its own account (conversation titles): paid by the operator, counted in
   * no one's quota, and not in the figures above. `answers` counts the calls.
   */
  operator: usageSummarySchema,
  /** The people who cost the most, with their email when they have an account. */
  topUsers: z.array(
    usageSummarySchema.extend({
      userId: z.string(),
      email: z.string().nullable(),
      kind: userKindSchema.nullable(),
    }),
  ),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

// ---------------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------------

/** A prompt moderation refused, or a window of an answer it flagged. */
export const moderationEntrySchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  userId: z.string(),
  email: z.string().nullable(),
  conversationId: z.string().nullable(),
  /** The answer a flagged window belongs to (null for a prompt). */
  messageId: z.string().nullable(),
  direction: z.enum(["prompt", "output"]),
  action: z.enum(["refused", "flagged", "stopped"]),
  check: z.string(),
  category: z.string(),
  /** The start of the refused prompt or flagged window, kept so the admin can judge the decision. */
  excerpt: z.string(),
});
export type ModerationEntry = z.infer<typeof moderationEntrySchema>;
export const moderationPageSchema = z.object({ events: z.array(moderationEntrySchema), nextCursor });

/** An answer that ended with an upstream error: metadata only, never what anyone wrote. */
export const upstreamErrorSchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  conversationId: z.string(),
  userId: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
});
export type UpstreamError = z.infer<typeof upstreamErrorSchema>;
export const upstreamErrorPageSchema = z.object({ errors: z.array(upstreamErrorSchema), nextCursor });

/** One change made through the admin API. */
export const auditEntrySchema = z.object({
  id: z.string(),
  /** An account id, or `token` for the ADMIN_TOKEN bearer. */
  actor: z.string(),
  /** The admin's email when the actor is an account. */
  actorEmail: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  detail: z.unknown(),
  createdAt: z.number(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor });
