/**
 * D1 schema, the source of truth for `migrations/` (regenerate with `npm run db:generate`).
 * Times are Unix epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MESSAGE_STATUSES } from "#protocol/messages";

/**
 * Guests and (later) accounts share one table: a guest is a row with `kind = 'guest'` and no
 * email. Signing up turns that row into an account in place, so the guest's conversations are
 * claimed without rewriting their owner ids.
 */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["guest", "user"] })
      .notNull()
      .default("guest"),
    email: text("email"),
    displayName: text("display_name"),
    /** `pbkdf2-sha256$iterations$salt$hash` (worker/auth/password.ts); null for guests. */
    passwordHash: text("password_hash"),
    /**
     * When the person proved they receive mail at `email`: a link Parley mailed was followed, or
     * GitHub/Google vouched for it. Null until then; `ADMIN_EMAILS` grants nothing before it.
     */
    emailVerifiedAt: integer("email_verified_at"),
    role: text("role", { enum: ["member", "admin"] })
      .notNull()
      .default("member"),
    /** Set by an admin: a banned person can read nothing and send nothing. */
    bannedAt: integer("banned_at"),
    /** Per-person overrides of the global limits an admin can set; null keeps the default. */
    rateLimit: integer("rate_limit"),
    rateWindowSeconds: integer("rate_window_seconds"),
    monthlyTokens: integer("monthly_tokens"),
    monthlyCostUsd: real("monthly_cost_usd"),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    /**
     * When a guest identity ended by signing in to an account (its chats moved there): the guest
     * cookie from before no longer identifies anyone. A guest that signed up needs no mark: its
     * row became the account, and a guest token never vouches for an account.
     */
    endedAt: integer("ended_at"),
    /**
     * The plan the person has (worker/billing/): null is the plan of their kind, `guest` or
     * `free`. Set by Stripe's webhooks, or by an admin (`plan_source` says which).
     */
    planId: text("plan_id"),
    planSource: text("plan_source", { enum: ["stripe", "grant"] }),
    /** After this moment (ms) an unpaid plan is no longer honoured: the person is on Free. */
    planGraceUntil: integer("plan_grace_until"),
    /** The person's Stripe customer (`cus_…`), created once at their first checkout. */
    stripeCustomerId: text("stripe_customer_id"),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_stripe_customer").on(t.stripeCustomerId),
  ],
);
export type User = typeof users.$inferSelect;

export * from "./sessions-schema";
export * from "./api-tokens-schema";
export * from "./billing-schema";
export * from "./operator-usage-schema";

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull().default(""),
    model: text("model"),
    /** Instructions sent before every turn of this conversation; empty for none. */
    systemPrompt: text("system_prompt").notNull().default(""),
    pinnedAt: integer("pinned_at"),
    /**
     * The last message of the branch everyone in the room sees; null means the newest message.
     * Messages form a tree through `parentId` (edits and regenerations add siblings).
     */
    activeLeafId: text("active_leaf_id"),
    /** The conversation this one was forked from (a share viewer's copy), if any. */
    forkedFrom: text("forked_from"),
    /** Set when an API call made this conversation: the name of the personal token it used. */
    apiTokenName: text("api_token_name"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("conversations_owner_updated").on(t.ownerId, t.updatedAt)],
);
export type Conversation = typeof conversations.$inferSelect;

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id),
    /** Order within the conversation; assigned by the conversation's room, its only writer. */
    position: integer("position").notNull(),
    /**
     * The message this one follows; null for the first message. Siblings (same parent) are the
     * branches that editing a prompt or regenerating an answer creates.
     */
    parentId: text("parent_id"),
    /** Who wrote this prompt or asked for this answer (a collaborator in a shared room, say). */
    authorId: text("author_id"),
    role: text("role", { enum: ["system", "user", "assistant"] }).notNull(),
    content: text("content").notNull().default(""),
    reasoning: text("reasoning").notNull().default(""),
    model: text("model"),
    provider: text("provider"),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    finishReason: text("finish_reason"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    cachedInputTokens: integer("cached_input_tokens"),
    reasoningTokens: integer("reasoning_tokens"),
    costUsd: real("cost_usd"),
    /**
     * The provider never reported this answer's usage (it was stopped first): the token counts
     * and the cost are Parley's tokenizer estimate (worker/providers/token-estimate.ts).
     */
    usageEstimated: integer("usage_estimated", { mode: "boolean" }).notNull().default(false),
    /** Paid with the person's own provider key: not counted against Parley's quotas. */
    ownKey: integer("own_key", { mode: "boolean" }).notNull().default(false),
    /** A single message someone deleted: hidden and left out of the model's context. */
    deletedAt: integer("deleted_at"),
    /** Tool calls made while writing this answer, with their results (JSON, protocol `toolCalls`). */
    toolCalls: text("tool_calls"),
    /**
     * What the API call that asked for this answer set, as that API echoes it back (JSON, written
     * by its dialect; worker/compat/). Null for answers asked for in the app.
     */
    callSettings: text("call_settings"),
    /**
     * How the answer's text went out, frame by frame (worker/room/delta-marks.ts), so its stream
     * can be replayed exactly as it was sent. Kept for answers whose call set `callSettings`.
     */
    deltaMarks: text("delta_marks"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("messages_conversation_position").on(t.conversationId, t.position),
    index("messages_parent").on(t.parentId),
    index("messages_status")
      .on(t.status)
      .where(sql`status = 'streaming'`),
  ],
);
export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;

/**
 * The model catalogue, as data an admin can change without a deploy. Parley seeds it with its
 * defaults (worker/providers/default-models.ts) the first time it is read; rows win over defaults.
 * Prices are USD per million tokens.
 */
export const models = sqliteTable("models", {
  id: text("id").primaryKey(),
  provider: text("provider").notNull(),
  upstreamId: text("upstream_id").notNull(),
  name: text("name").notNull(),
  context: integer("context").notNull(),
  maxOutput: integer("max_output").notNull(),
  capReasoning: integer("cap_reasoning", { mode: "boolean" }).notNull().default(false),
  capVision: integer("cap_vision", { mode: "boolean" }).notNull().default(false),
  capTools: integer("cap_tools", { mode: "boolean" }).notNull().default(false),
  capJson: integer("cap_json", { mode: "boolean" }).notNull().default(false),
  capTemperature: integer("cap_temperature", { mode: "boolean" }).notNull().default(true),
  priceInput: real("price_input").notNull(),
  priceCachedInput: real("price_cached_input").notNull(),
  priceOutput: real("price_output").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  sortOrder: integer("sort_order").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
});
export type ModelRow = typeof models.$inferSelect;

/**
 * API keys people bring for a provider, encrypted with AES-GCM under a key derived (HKDF) from
 * the ENCRYPTION_KEY secret and the user id (worker/auth/key-vault.ts). Only `last4` is ever shown.
 */
export const providerKeys = sqliteTable(
  "provider_keys",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    provider: text("provider").notNull(),
    ciphertext: text("ciphertext").notNull(),
    iv: text("iv").notNull(),
    last4: text("last4").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.provider] })],
);
export type ProviderKeyRow = typeof providerKeys.$inferSelect;

/**
 * What moderation caught, for the admin to review: prompts a check refused, and windows of
 * answers a check flagged while they streamed (worker/moderation/output.ts).
 */
export const moderationEvents = sqliteTable(
  "moderation_events",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    conversationId: text("conversation_id"),
    /** The answer a flagged window belongs to (null for a prompt, which was never stored). */
    messageId: text("message_id"),
    direction: text("direction", { enum: ["prompt", "output"] })
      .notNull()
      .default("prompt"),
    /** `refused` (a prompt), `flagged` (recorded only) or `stopped` (the answer ended there). */
    action: text("action", { enum: ["refused", "flagged", "stopped"] })
      .notNull()
      .default("refused"),
    check: text("check").notNull(),
    category: text("category").notNull(),
    /** The start of the refused prompt or of the flagged window, so the admin can judge the decision. */
    excerpt: text("excerpt").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("moderation_events_created").on(t.createdAt)],
);

/**
 * Live share links. The token (192 random bits, base64url) is the whole credential: anyone
 * holding it joins the room as a watcher or a collaborator. Revoking or rotating one disconnects
 * everyone who came in through it. At most one link per conversation is active.
 */
export const shareLinks = sqliteTable(
  "share_links",
  {
    token: text("token").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id),
    mode: text("mode", { enum: ["watch", "collaborate"] }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("share_links_conversation").on(t.conversationId)],
);
export type ShareLink = typeof shareLinks.$inferSelect;

/** Operator settings changed from /admin (global limits, default model), as JSON values. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** Every change made through the admin API: who, what, to what, and the new values. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    /** A user id, or `token` for the ADMIN_TOKEN bearer. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    detail: text("detail").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("audit_log_created").on(t.createdAt)],
);

/**
 * Files people attach to prompts. The bytes live in R2 under `r2Key`; this row says whose they
 * are and, once sent, which message (and so which conversation) they belong to: whoever may read
 * that conversation may read them.
 */
export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    conversationId: text("conversation_id"),
    messageId: text("message_id"),
    name: text("name").notNull(),
    mimeType: text("mime_type").notNull(),
    kind: text("kind", { enum: ["image", "pdf", "text"] }).notNull(),
    size: integer("size").notNull(),
    r2Key: text("r2_key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("attachments_owner").on(t.ownerId),
    index("attachments_message").on(t.messageId),
    index("attachments_conversation").on(t.conversationId),
  ],
);
export type Attachment = typeof attachments.$inferSelect;

/**
 * Rooms that keep admission facts in memory (the model catalogue, a person's limits, keys and
 * usage), so that a change to any of them reaches those rooms before the change is confirmed:
 * an admin's edit, a saved key or another room's spending applies to the very next turn. A room
 * registers in the same D1 batch that reads the facts, and its copy lives no longer than
 * `expiresAt`; see docs/decisions/0004-admission-facts-in-the-room.md.
 */
export const roomCaches = sqliteTable(
  "room_caches",
  {
    roomId: text("room_id").notNull(),
    userId: text("user_id").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_caches_user").on(t.userId)],
);
