/**
 * The shapes of the HTTP API (`/api/v1/*`, docs/api.md): the bodies the routes validate and the
 * answers they send, declared once here. The worker's routes declare them for validation and the
 * OpenAPI document; the web app's client parses every answer with the same schemas.
 */
import { z } from "zod";
import {
  MAX_PROMPT_CHARS,
  MAX_SYSTEM_PROMPT_CHARS,
  MAX_TITLE_CHARS,
  attachmentInfoSchema,
  chatMessageSchema,
  errorInfoSchema,
  finishReasonSchema,
  generationOptionsSchema,
  roleSchema,
  userKindSchema,
} from "./messages.ts";

/** Every error answer, whatever the status. */
export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export const healthSchema = z.object({
  ok: z.boolean(),
  service: z.literal("parley"),
  version: z.string(),
  d1: z.enum(["ok", "unreachable"]),
  /** What keeps the server from serving (variable names and rules, never values); only when not ok. */
  problems: z.array(z.string()).optional(),
});

// ---------------------------------------------------------------------------------------------
// Sessions and accounts
// ---------------------------------------------------------------------------------------------

/** Who a session belongs to: a guest (no email, no name) or an account. */
export const sessionUserSchema = z.object({
  id: z.string(),
  kind: userKindSchema,
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  role: z.enum(["member", "admin"]),
  /** Whether the owner of `email` confirmed it (always false for guests). */
  emailVerified: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;
export const userAnswerSchema = z.object({ user: sessionUserSchema });

const email = z.email().max(254);
const newPassword = z.string().min(8, "Use at least 8 characters.").max(200);

export const signUpSchema = z
  .object({ email, password: newPassword, displayName: z.string().trim().min(1).max(80).optional() })
  .strict();
export const signInSchema = z.object({ email, password: z.string().min(1).max(200) }).strict();
export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword })
  .strict();

/**
 * The answer of every request that mails a link (sign-up, forgot password, change of email, a new
 * confirmation link): the same shape whether or not the address has an account.
 */
export const mailSentSchema = z.object({ email: z.string(), message: z.string() });
export type MailSent = z.infer<typeof mailSentSchema>;
/** A token from a mailed link (`/verify?token=…`, `/reset?token=…`, `/email?token=…`). */
const linkToken = z.string().min(20).max(200);
export const emailLinkSchema = z.object({ token: linkToken }).strict();
export const forgotPasswordSchema = z.object({ email }).strict();
export const resetPasswordSchema = z.object({ token: linkToken, newPassword }).strict();
/** `currentPassword` is required for accounts that have a password (not GitHub/Google-only ones). */
export const changeEmailSchema = z
  .object({ email, currentPassword: z.string().min(1).max(200).optional() })
  .strict();

/** Sign-in providers Parley knows; `GET /api/v1/auth/oauth` lists those the operator configured. */
export const OAUTH_PROVIDERS = ["github", "google"] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];
export const oauthProvidersSchema = z.object({ providers: z.array(z.enum(OAUTH_PROVIDERS)) });

/** A saved provider key as its owner sees it: never the key, only its last four characters. */
export const storedKeySchema = z.object({ provider: z.string(), last4: z.string(), updatedAt: z.number() });
export type StoredKey = z.infer<typeof storedKeySchema>;
export const keyListSchema = z.object({ keys: z.array(storedKeySchema) });
export const keyAnswerSchema = z.object({ key: storedKeySchema });
export const saveKeySchema = z.object({ apiKey: z.string().trim().min(8).max(500) }).strict();

// ---------------------------------------------------------------------------------------------
// Models and usage
// ---------------------------------------------------------------------------------------------

export const modelInfoSchema = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  context: z.number().int().positive(),
  maxOutput: z.number().int().positive(),
  caps: z.object({
    reasoning: z.boolean(),
    vision: z.boolean(),
    tools: z.boolean(),
    json: z.boolean(),
    temperature: z.boolean(),
  }),
  pricing: z.object({ inputPerMTok: z.number(), cachedInputPerMTok: z.number(), outputPerMTok: z.number() }),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/** `GET /api/v1/models`: the models the caller can use, the admin's default first. */
export const modelListSchema = z.object({
  models: z.array(
    modelInfoSchema.extend({
      /** The caller's plan leaves this model out: the first plan that has it (upgrade to use it). */
      requiresPlan: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    }),
  ),
  defaultModel: z.string().nullable(),
});

/** Tokens and cost of a set of answers (a conversation, a month). */
export const usageTotalsSchema = z.object({
  answers: z.number().int(),
  inputTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  outputTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  costUsd: z.number(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

/** `GET /api/v1/conversations/:id/usage`. */
export const conversationUsageSchema = z.object({ usage: usageTotalsSchema });

/** `GET /api/v1/usage`: the caller's calendar month (UTC), in total and per model. */
export const monthUsageSchema = z.object({
  month: z.string(),
  total: usageTotalsSchema,
  byModel: z.array(usageTotalsSchema.extend({ model: z.string() })),
});
export type MonthUsage = z.infer<typeof monthUsageSchema>;

// ---------------------------------------------------------------------------------------------
// Conversations and chat
// ---------------------------------------------------------------------------------------------

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  model: z.string().nullable(),
  pinned: z.boolean(),
  systemPrompt: z.string(),
  /**
   * Set when an API call made this conversation: the name of the personal token it used. Missing
   * reads as null, so a list cached by an older version of the web app still parses.
   */
  apiTokenName: z.string().nullable().default(null),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** `POST /api/v1/conversations` body (optional as a whole). */
export const createConversationSchema = z
  .object({
    /**
     * An id the client made (a UUID), so it can show and open the chat before this answer arrives.
     * Asking again with the same id answers the same conversation (a retried request).
     */
    id: z.uuid().optional(),
    model: z.string().min(1).max(200).optional(),
    systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS).optional(),
  })
  .strict();

export const conversationAnswerSchema = z.object({ conversation: conversationSummarySchema });
/** `GET /api/v1/conversations`: newest first. */
export const conversationListSchema = z.object({ conversations: z.array(conversationSummarySchema) });

/** A conversation with the messages of the branch its room shows. */
export const conversationDetailSchema = z.object({
  conversation: conversationSummarySchema,
  messages: z.array(chatMessageSchema),
});

/** `PATCH /api/v1/conversations/:id` body. */
export const conversationPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
    pinned: z.boolean().optional(),
    systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "Nothing to change." });
export type ConversationPatch = z.infer<typeof conversationPatchSchema>;

/** `POST /api/v1/chat/stream` body. */
export const chatStreamRequestSchema = z.object({
  model: z.string().min(1).max(200),
  messages: z
    .array(
      z.object({
        role: roleSchema,
        content: z.string().max(MAX_PROMPT_CHARS),
      }),
    )
    .min(1)
    .max(200),
  conversationId: z.string().min(1).max(100).optional(),
  /** A system prompt for a new conversation (an existing one keeps its own). */
  system: z.string().max(MAX_SYSTEM_PROMPT_CHARS).optional(),
  ...generationOptionsSchema.shape,
});
export type ChatStreamRequest = z.infer<typeof chatStreamRequestSchema>;

/** The named SSE events of `POST /api/v1/chat/stream`, event name → data shape. */
export const sseEventSchemas = {
  meta: z.object({ conversationId: z.string(), messageId: z.string() }),
  delta: z.object({ text: z.string() }),
  reasoning: z.object({ text: z.string() }),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
  }),
  done: z.object({ finishReason: finishReasonSchema }),
  error: errorInfoSchema,
} as const;
export type SseEventName = keyof typeof sseEventSchemas;

/** `POST /api/v1/attachments`: the stored file. */
export const attachmentAnswerSchema = z.object({ attachment: attachmentInfoSchema });
