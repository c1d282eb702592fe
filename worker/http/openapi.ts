/**
 * `GET /api/v1/openapi.json`: an OpenAPI 3.1 description of the HTTP API, generated from the
 * same zod schemas the routes validate request bodies with (and the protocol's response shapes),
 * through zod 4's JSON Schema output. `ROUTES` is the list of every documented operation;
 * tests/worker/openapi.test.ts compares it with the routes the Hono app really registers, so a
 * new `/api/v1` route without an entry here fails the test suite.
 */
import { z } from "zod";
import { version as PARLEY_VERSION } from "../../package.json";
import { chatMessageSchema, attachmentInfoSchema } from "#protocol/messages";
import { clientFrameSchema, personSchema, serverFrameSchema } from "#protocol/frames";
import { hubFrameSchema } from "#protocol/hub";
import {
  accountExportSchema,
  conversationExportSchema,
  searchQuerySchema,
  searchResultSchema,
} from "#protocol/library";
import {
  adminModelPatchSchema,
  adminModelSchema,
  adminUserSchema,
  defaultModelSchema,
  limitsViewSchema,
} from "#protocol/admin";
import {
  apiErrorSchema,
  changePasswordSchema,
  chatStreamRequestSchema,
  conversationPatchSchema,
  conversationSummarySchema,
  createConversationSchema,
  healthSchema,
  modelInfoSchema,
  saveKeySchema,
  sessionUserSchema as userSchema,
  signInSchema,
  signUpSchema,
  sseEventSchemas,
  storedKeySchema,
  usageTotalsSchema,
} from "#protocol/http";
import { shareInfoSchema, sharePutSchema, shareSchema } from "#protocol/sharing";
import {
  globalLimitsBodySchema,
  pageQuerySchema,
  usageQuerySchema,
  userLimitsBodySchema,
  usersQuerySchema,
} from "./admin-routes";
import { exportFormatSchema } from "./library-routes";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** One documented operation. `path` is written as the Hono route is (`/conversations/:id`). */
export interface RouteDoc {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Query parameters, as the zod object the route reads them with. */
  query?: z.ZodObject;
  /** The JSON body schema the route validates with (`readJsonBody`). */
  body?: z.ZodType;
  /** The body may be omitted entirely. */
  bodyOptional?: boolean;
  /** A raw (non-JSON) body, e.g. an uploaded file: what it is. */
  rawBody?: string;
  /**
   * The success answer: `schema` as JSON (or as `contentType`), nothing for an empty body, or
   * `content` when it comes in several media types (a download in a chosen format).
   */
  response: {
    status: number;
    description: string;
    schema?: z.ZodType;
    contentType?: string;
    content?: Array<{ type: string; schema: z.ZodType }>;
  };
  /** Error statuses worth naming (all share the `{error:{code,message}}` shape). */
  errors?: number[];
  /** Served without the session middleware (no cookie is set). */
  public?: boolean;
  /** Admin only: an admin account's session, or `Authorization: Bearer <ADMIN_TOKEN>`. */
  admin?: boolean;
}

// -----------------------------------------------------------------------------------------------
// Response shapes the protocol module does not define
// -----------------------------------------------------------------------------------------------

const userAnswer = z.object({ user: userSchema });

const page = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ [key]: z.array(item), nextCursor: z.string().nullable() });
const conversationAnswer = z.object({ conversation: conversationSummarySchema });

/** Shared components, named in the document. */
const NAMED_OUTPUTS: Array<[string, z.ZodType]> = [
  ["AppError", apiErrorSchema],
  ["User", userSchema],
  ["ModelInfo", modelInfoSchema],
  ["ConversationSummary", conversationSummarySchema],
  ["ChatMessage", chatMessageSchema],
  ["UsageTotals", usageTotalsSchema],
  ["StoredKey", storedKeySchema],
  ["Share", shareSchema],
  ["SearchResult", searchResultSchema],
  ["AttachmentInfo", attachmentInfoSchema],
  ["AdminModel", adminModelSchema],
  ["AdminUser", adminUserSchema],
  ["ShareInfo", shareInfoSchema],
  ["Person", personSchema],
  ["Health", healthSchema],
  // The WebSocket frames (docs/protocol.md), for clients generating types from this document.
  ["ServerFrame", serverFrameSchema],
  ["HubFrame", hubFrameSchema],
];
const NAMED_INPUTS: Array<[string, z.ZodType]> = [["ClientFrame", clientFrameSchema]];

// -----------------------------------------------------------------------------------------------
// Every operation
// -----------------------------------------------------------------------------------------------

export const ROUTES: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    operationId: "health",
    tag: "health",
    summary: "Liveness, version and D1 reachability",
    response: {
      status: 200,
      description: "Healthy (503 with the same shape when D1 does not answer)",
      schema: healthSchema,
    },
    errors: [503],
    public: true,
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "openapi",
    tag: "meta",
    summary: "This document",
    response: {
      status: 200,
      description: "OpenAPI 3.1 document",
      schema: z.looseObject({ openapi: z.string() }),
    },
    public: true,
  },
  // ---- session and accounts --------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/session",
    operationId: "getSession",
    tag: "accounts",
    summary: "Who the session cookie says you are (a new guest session is started if there is none)",
    response: { status: 200, description: "The caller", schema: userAnswer },
  },
  {
    method: "post",
    path: "/api/v1/auth/signup",
    operationId: "signUp",
    tag: "accounts",
    summary: "Create an account; a guest's conversations become the account's",
    body: signUpSchema,
    response: { status: 200, description: "Signed in; session cookies set", schema: userAnswer },
    errors: [400, 409],
  },
  {
    method: "post",
    path: "/api/v1/auth/signin",
    operationId: "signIn",
    tag: "accounts",
    summary: "Sign in with email and password",
    body: signInSchema,
    response: { status: 200, description: "Signed in; session cookies set", schema: userAnswer },
    errors: [400, 401],
  },
  {
    method: "post",
    path: "/api/v1/auth/signout",
    operationId: "signOut",
    tag: "accounts",
    summary: "End this browser's session (it continues as a new guest)",
    response: { status: 204, description: "Signed out" },
  },
  {
    method: "post",
    path: "/api/v1/auth/signout-all",
    operationId: "signOutEverywhere",
    tag: "accounts",
    summary: "End every session of this account",
    response: { status: 204, description: "Signed out everywhere" },
    errors: [401],
  },
  {
    method: "post",
    path: "/api/v1/auth/password",
    operationId: "changePassword",
    tag: "accounts",
    summary: "Change the password; other sessions are signed out",
    body: changePasswordSchema,
    response: { status: 200, description: "Changed; new session cookies set", schema: userAnswer },
    errors: [400, 401],
  },
  // ---- own provider keys -------------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/keys",
    operationId: "listKeys",
    tag: "keys",
    summary: "Your saved provider keys (provider and last four characters only)",
    response: {
      status: 200,
      description: "Saved keys",
      schema: z.object({ keys: z.array(storedKeySchema) }),
    },
    errors: [401],
  },
  {
    method: "put",
    path: "/api/v1/keys/:provider",
    operationId: "saveKey",
    tag: "keys",
    summary: "Save (or replace) your own key for a provider; stored encrypted",
    body: saveKeySchema,
    response: { status: 200, description: "Saved", schema: z.object({ key: storedKeySchema }) },
    errors: [400, 401, 503],
  },
  {
    method: "delete",
    path: "/api/v1/keys/:provider",
    operationId: "deleteKey",
    tag: "keys",
    summary: "Forget your key for a provider",
    response: { status: 204, description: "Deleted" },
    errors: [401, 404],
  },
  // ---- models and usage ------------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/models",
    operationId: "listModels",
    tag: "models",
    summary: "Models you can use now (configured providers, plus those you saved a key for)",
    response: { status: 200, description: "Models", schema: z.object({ models: z.array(modelInfoSchema) }) },
  },
  {
    method: "get",
    path: "/api/v1/usage",
    operationId: "getMonthUsage",
    tag: "usage",
    summary: "Your usage this calendar month (UTC), in total and per model",
    response: {
      status: 200,
      description: "Usage",
      schema: z.object({
        month: z.string(),
        total: usageTotalsSchema,
        byModel: z.array(usageTotalsSchema.extend({ model: z.string() })),
      }),
    },
  },
  // ---- conversations -----------------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/conversations",
    operationId: "listConversations",
    tag: "conversations",
    summary: "Your conversations, newest first",
    response: {
      status: 200,
      description: "Conversations",
      schema: z.object({ conversations: z.array(conversationSummarySchema) }),
    },
  },
  {
    method: "post",
    path: "/api/v1/conversations",
    operationId: "createConversation",
    tag: "conversations",
    summary: "Start an empty conversation",
    body: createConversationSchema,
    bodyOptional: true,
    response: { status: 201, description: "Created", schema: conversationAnswer },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/conversations/:id",
    operationId: "getConversation",
    tag: "conversations",
    summary: "A conversation and the messages of the branch its room shows",
    query: z.object({ share: z.string().optional().describe("A share link token, to read someone else's") }),
    response: {
      status: 200,
      description: "The conversation",
      schema: z.object({ conversation: conversationSummarySchema, messages: z.array(chatMessageSchema) }),
    },
    errors: [403, 404],
  },
  {
    method: "patch",
    path: "/api/v1/conversations/:id",
    operationId: "updateConversation",
    tag: "conversations",
    summary: "Rename, pin or change the system prompt (every open device is told)",
    body: conversationPatchSchema,
    response: { status: 200, description: "Updated", schema: conversationAnswer },
    errors: [400, 403, 404],
  },
  {
    method: "delete",
    path: "/api/v1/conversations/:id",
    operationId: "deleteConversation",
    tag: "conversations",
    summary: "Delete a conversation; its room stops any answer and closes every socket (4404)",
    response: { status: 204, description: "Deleted" },
    errors: [403, 404],
  },
  {
    method: "get",
    path: "/api/v1/conversations/:id/usage",
    operationId: "getConversationUsage",
    tag: "usage",
    summary: "Tokens and cost of one conversation",
    response: { status: 200, description: "Usage", schema: z.object({ usage: usageTotalsSchema }) },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/chat/stream",
    operationId: "chatStream",
    tag: "chat",
    summary: "Generate an answer, streamed as Server-Sent Events",
    description:
      "The answer is generated by the conversation's room, so every open device watches it live; " +
      "closing the stream does not stop it. Events: meta, reasoning*, delta*, usage?, error?, done " +
      "(see `x-sse-events` and docs/api.md).",
    body: chatStreamRequestSchema,
    response: { status: 200, description: "An event stream", contentType: "text/event-stream" },
    errors: [400, 404, 409, 413, 429, 503],
  },
  // ---- library: search, export, restore --------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/search",
    operationId: "search",
    tag: "library",
    summary: "Search your conversations' titles and messages",
    query: z.object({ q: searchQuerySchema.describe("The text to find") }),
    response: {
      status: 200,
      description: "Matches, best first",
      schema: z.object({ results: z.array(searchResultSchema) }),
    },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/conversations/:id/export",
    operationId: "exportConversation",
    tag: "library",
    summary: "Download one conversation: its visible branch as Markdown, or everything as JSON",
    query: z.object({ format: exportFormatSchema.optional().describe("markdown (default) or json") }),
    response: {
      status: 200,
      description: "A file (Content-Disposition: attachment)",
      content: [
        { type: "text/markdown", schema: z.string() },
        { type: "application/json", schema: conversationExportSchema },
      ],
    },
    errors: [400, 403, 404],
  },
  {
    method: "get",
    path: "/api/v1/account/export",
    operationId: "exportAccount",
    tag: "library",
    summary: "Download everything Parley keeps about you, as one JSON file",
    response: {
      status: 200,
      description: "A JSON file (Content-Disposition: attachment)",
      schema: accountExportSchema,
    },
  },
  {
    method: "post",
    path: "/api/v1/conversations/:id/restore",
    operationId: "restoreConversation",
    tag: "library",
    summary: "Undo the deletion of a conversation",
    response: { status: 200, description: "Restored", schema: conversationAnswer },
    errors: [404],
  },
  // ---- sign-in with GitHub / Google ------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/auth/oauth",
    operationId: "listOAuthProviders",
    tag: "accounts",
    summary: "The sign-in providers the operator configured",
    response: {
      status: 200,
      description: "Providers",
      schema: z.object({ providers: z.array(z.string()) }),
    },
  },
  {
    method: "get",
    path: "/api/v1/auth/oauth/:provider",
    operationId: "startOAuth",
    tag: "accounts",
    summary: "Start signing in with a provider (a browser navigation)",
    response: { status: 302, description: "Redirect to the provider's consent page" },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/auth/oauth/:provider/callback",
    operationId: "finishOAuth",
    tag: "accounts",
    summary: "Where the provider sends the browser back; signs in and redirects to the app",
    response: { status: 302, description: "Redirect to `/` (with `?auth_error=<code>` on failure)" },
    errors: [404],
  },
  // ---- attachments -------------------------------------------------------------------------------
  {
    method: "post",
    path: "/api/v1/attachments",
    operationId: "uploadAttachment",
    tag: "attachments",
    summary: "Upload a file to send with a prompt (`?name=<file name>`, the bytes as the body)",
    query: z.object({ name: z.string().optional().describe("The file's name") }),
    rawBody: "The file's bytes, with its Content-Type",
    response: { status: 201, description: "Stored", schema: z.object({ attachment: attachmentInfoSchema }) },
    errors: [400, 413],
  },
  {
    method: "get",
    path: "/api/v1/attachments/:id",
    operationId: "getAttachment",
    tag: "attachments",
    summary: "The file, for whoever may read the conversation it was sent in",
    query: z.object({ share: z.string().optional().describe("A share link token") }),
    response: { status: 200, description: "The bytes, with their Content-Type" },
    errors: [404],
  },
  {
    method: "delete",
    path: "/api/v1/attachments/:id",
    operationId: "deleteAttachment",
    tag: "attachments",
    summary: "Delete an upload that was not sent",
    response: { status: 204, description: "Deleted" },
    errors: [404, 409],
  },
  // ---- admin (docs/admin.md) -------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/admin/models",
    operationId: "adminListModels",
    tag: "admin",
    summary: "Every catalogue model, enabled or not, and the default model",
    response: {
      status: 200,
      description: "The catalogue",
      schema: z.object({ models: z.array(adminModelSchema), defaultModel: z.string().nullable() }),
    },
    admin: true,
  },
  {
    method: "patch",
    path: "/api/v1/admin/models/:id",
    operationId: "adminUpdateModel",
    tag: "admin",
    summary: "Enable or disable a model, or change its name, limits, capabilities or prices",
    body: adminModelPatchSchema,
    response: { status: 200, description: "Updated", schema: z.object({ model: adminModelSchema }) },
    errors: [400, 404],
    admin: true,
  },
  {
    method: "put",
    path: "/api/v1/admin/settings/default-model",
    operationId: "adminSetDefaultModel",
    tag: "admin",
    summary: "Choose the model new conversations start with (null: the first usable one)",
    body: defaultModelSchema,
    response: {
      status: 200,
      description: "Set",
      schema: z.object({ defaultModel: z.string().nullable() }),
    },
    errors: [400],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/settings/limits",
    operationId: "adminGetLimits",
    tag: "admin",
    summary: "Rate limits and quotas: the deploy's defaults, the admin's overrides and what applies",
    response: { status: 200, description: "Limits", schema: limitsViewSchema },
    admin: true,
  },
  {
    method: "put",
    path: "/api/v1/admin/settings/limits",
    operationId: "adminSetLimits",
    tag: "admin",
    summary: "Override the global limits for guests and users; applies to the next request",
    body: globalLimitsBodySchema,
    response: { status: 200, description: "Limits now", schema: limitsViewSchema },
    errors: [400],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/users",
    operationId: "adminListUsers",
    tag: "admin",
    summary: "People, newest first, with this month's usage; search by email or name",
    query: usersQuerySchema,
    response: { status: 200, description: "A page of people", schema: page("users", adminUserSchema) },
    errors: [400],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/users/:id",
    operationId: "adminGetUser",
    tag: "admin",
    summary: "One person",
    response: { status: 200, description: "The person", schema: z.object({ user: adminUserSchema }) },
    errors: [404],
    admin: true,
  },
  {
    method: "put",
    path: "/api/v1/admin/users/:id/limits",
    operationId: "adminSetUserLimits",
    tag: "admin",
    summary: "Give one person their own limits (null fields fall back to the global ones)",
    body: userLimitsBodySchema,
    response: { status: 200, description: "Updated", schema: z.object({ user: adminUserSchema }) },
    errors: [400, 404],
    admin: true,
  },
  {
    method: "post",
    path: "/api/v1/admin/users/:id/ban",
    operationId: "adminBanUser",
    tag: "admin",
    summary: "Ban a person: their requests are refused from now on",
    response: { status: 200, description: "Banned", schema: z.object({ user: adminUserSchema }) },
    errors: [404],
    admin: true,
  },
  {
    method: "post",
    path: "/api/v1/admin/users/:id/unban",
    operationId: "adminUnbanUser",
    tag: "admin",
    summary: "Lift a ban",
    response: { status: 200, description: "Unbanned", schema: z.object({ user: adminUserSchema }) },
    errors: [404],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/usage",
    operationId: "adminUsage",
    tag: "admin",
    summary: "Tokens and cost by day, by model and by person over the last `days`",
    query: usageQuerySchema,
    response: { status: 200, description: "The report", schema: z.looseObject({}) },
    errors: [400],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/moderation",
    operationId: "adminModerationLog",
    tag: "admin",
    summary: "Prompts moderation refused, newest first",
    query: pageQuerySchema,
    response: { status: 200, description: "A page of events", schema: page("events", z.looseObject({})) },
    errors: [400],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/errors",
    operationId: "adminUpstreamErrors",
    tag: "admin",
    summary: "Recent answers that ended with an upstream error",
    query: pageQuerySchema,
    response: { status: 200, description: "A page of errors", schema: page("errors", z.looseObject({})) },
    errors: [400],
    admin: true,
  },
  {
    method: "get",
    path: "/api/v1/admin/audit",
    operationId: "adminAuditLog",
    tag: "admin",
    summary: "Every admin change, newest first",
    query: pageQuerySchema,
    response: { status: 200, description: "A page of entries", schema: page("entries", z.looseObject({})) },
    errors: [400],
    admin: true,
  },
  // ---- share links -------------------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/conversations/:id/share",
    operationId: "getShare",
    tag: "sharing",
    summary: "The conversation's live share link (or null) and who is in its room",
    response: {
      status: 200,
      description: "Share state",
      schema: z.object({
        share: shareSchema.nullable(),
        viewers: z.number().int(),
        people: z.array(personSchema),
      }),
    },
    errors: [403, 404],
  },
  {
    method: "put",
    path: "/api/v1/conversations/:id/share",
    operationId: "putShare",
    tag: "sharing",
    summary: "Create the share link, or change its mode (watch / collaborate)",
    body: sharePutSchema,
    response: {
      status: 200,
      description: "The link (201 when it was created)",
      schema: z.object({ share: shareSchema }),
    },
    errors: [400, 403, 404],
  },
  {
    method: "post",
    path: "/api/v1/conversations/:id/share/rotate",
    operationId: "rotateShare",
    tag: "sharing",
    summary: "Replace the link with a new token; holders of the old one are disconnected (4403)",
    response: { status: 200, description: "The new link", schema: z.object({ share: shareSchema }) },
    errors: [403, 404],
  },
  {
    method: "delete",
    path: "/api/v1/conversations/:id/share",
    operationId: "revokeShare",
    tag: "sharing",
    summary: "Revoke the link; its holders are disconnected (4403)",
    response: { status: 204, description: "Revoked" },
    errors: [403, 404],
  },
  {
    method: "get",
    path: "/api/v1/shares/:token",
    operationId: "openShare",
    tag: "sharing",
    summary: "What a share link opens, and your role in it",
    response: { status: 200, description: "The shared conversation", schema: shareInfoSchema },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/shares/:token/fork",
    operationId: "forkShare",
    tag: "sharing",
    summary: "Copy the shared conversation's visible branch into a new conversation of yours",
    response: { status: 201, description: "The copy", schema: conversationAnswer },
    errors: [404],
  },
];

// -----------------------------------------------------------------------------------------------
// Building the document
// -----------------------------------------------------------------------------------------------

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request (`invalid_json`, `invalid_request`, `unknown_model`, …)",
  401: "Not signed in",
  403: "Not allowed (`forbidden`, `bad_origin`)",
  404: "Not found, or not yours",
  409: "Conflict (`conversation_busy`, `email_taken`)",
  413: "Body larger than 1 MB",
  429: "Rate limit, monthly quota or concurrent generations (`rate_limited`, `quota_exhausted`, `too_many_generations`); see Retry-After",
  503: "Temporarily unavailable",
};

/** `/conversations/:id` → `/conversations/{id}` (a `:name{regex}` loses its pattern). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");
}

type JsonSchema = Record<string, unknown>;

/** Converts every schema of `entries` at once, so shared ones become `$ref`s to each other. */
function convert(entries: Array<[string, z.ZodType]>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    // Each is embedded in the document, not a standalone JSON Schema resource.
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

function standalone(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

export function buildOpenApiDocument(routes: RouteDoc[] = ROUTES): Record<string, unknown> {
  const outputs = [...NAMED_OUTPUTS];
  const inputs = [...NAMED_INPUTS];
  const idOf = new Map<z.ZodType, string>();
  const name = (list: Array<[string, z.ZodType]>, schema: z.ZodType, id: string): string => {
    const known = idOf.get(schema) ?? list.find(([, s]) => s === schema)?.[0];
    if (known) return known;
    list.push([id, schema]);
    idOf.set(schema, id);
    return id;
  };
  const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const bodyIds = new Map<RouteDoc, string>();
  const answerIds = new Map<RouteDoc, Array<[string, string]>>();
  for (const route of routes) {
    const id = capitalized(route.operationId);
    if (route.body) bodyIds.set(route, name(inputs, route.body, `${id}Request`));
    const { schema, contentType = "application/json", content } = route.response;
    const alternatives = content ?? (schema ? [{ type: contentType, schema }] : []);
    answerIds.set(
      route,
      alternatives.map(({ type, schema: answer }, index) => [
        type,
        name(outputs, answer, `${id}Response${index === 0 ? "" : index + 1}`),
      ]),
    );
  }
  const sseIds = Object.entries(sseEventSchemas).map(([event, schema]) =>
    name(outputs, schema, `Sse${capitalized(event)}Event`),
  );
  const schemas = { ...convert(inputs, "input"), ...convert(outputs, "output") };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const parameters: unknown[] = [...path.matchAll(/\{([^}]+)\}/g)].map(([, param]) => ({
      name: param,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    for (const [param, schema] of Object.entries(route.query?.shape ?? {})) {
      const json = standalone(schema as z.ZodType);
      parameters.push({
        name: param,
        in: "query",
        required: !(schema as z.ZodType).safeParse(undefined).success,
        ...(typeof json.description === "string" ? { description: json.description } : {}),
        schema: json,
      });
    }
    const { status, description, contentType = "application/json" } = route.response;
    const answers = answerIds.get(route) ?? [];
    const success: Record<string, unknown> = { description };
    if (answers.length > 0) {
      success.content = Object.fromEntries(answers.map(([type, id]) => [type, { schema: ref(id) }]));
    } else if (contentType === "text/event-stream") {
      success.content = { [contentType]: { schema: { type: "string" } } };
      success["x-sse-events"] = Object.fromEntries(
        Object.keys(sseEventSchemas).map((event, index) => [event, ref(sseIds[index] ?? "")]),
      );
    }
    const responses: Record<string, unknown> = { [String(status)]: success };
    for (const code of route.errors ?? []) {
      responses[String(code)] = {
        description: STATUS_TEXT[code] ?? "Error",
        content: { "application/json": { schema: ref("AppError") } },
      };
    }
    responses.default = {
      description: "Any other error, in the same shape",
      content: { "application/json": { schema: ref("AppError") } },
    };
    const bodyId = bodyIds.get(route);
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(bodyId
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: { "application/json": { schema: ref(bodyId) } },
            },
          }
        : {}),
      ...(route.rawBody
        ? { requestBody: { required: true, description: route.rawBody, content: { "*/*": { schema: {} } } } }
        : {}),
      responses,
      ...(route.public ? { security: [] } : {}),
      ...(route.admin ? { security: [{ session: [] }, { adminToken: [] }] } : {}),
    };
    (paths[path] ??= {})[route.method] = operation;
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Parley API",
      version: PARLEY_VERSION,
      description:
        "The HTTP API of a Parley server. Errors always have the shape {error:{code,message}}. " +
        "Live conversations use WebSockets at /parties/conversation/{id} and /parties/hub; " +
        "their frames are the ClientFrame, ServerFrame and HubFrame schemas (docs/protocol.md).",
    },
    servers: [{ url: "/" }],
    security: [{ session: [] }],
    tags: [...new Set(routes.map((route) => route.tag))].map((tag) => ({ name: tag })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "parley_session",
          description: "Set on the first /api response; keep a cookie jar.",
        },
        adminToken: {
          type: "http",
          scheme: "bearer",
          description: "The operator's ADMIN_TOKEN secret, for /api/v1/admin/* only.",
        },
      },
    },
  };
}

let cached: Record<string, unknown> | undefined;

/** The document, built once per isolate. */
export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApiDocument();
  return cached;
}
