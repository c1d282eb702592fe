/**
 * `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the routes' own
 * `createRoute` declarations (worker/http/routes/*, collected by @hono/zod-openapi as the app
 * mounts them), so it describes exactly the params, queries, bodies and answers the routes
 * validate and send.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { OpenApiGeneratorV31, zodToOpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { version as PARLEY_VERSION } from "../../package.json";
import { adminModelSchema, adminUserSchema, limitsViewSchema, usageReportSchema } from "#protocol/admin";
import { clientFrameSchema, personSchema, serverFrameSchema } from "#protocol/frames";
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
  sessionUserSchema,
  signInSchema,
  signUpSchema,
  sseEventSchemas,
  storedKeySchema,
  usageTotalsSchema,
} from "#protocol/http";
import { hubFrameSchema } from "#protocol/hub";
import { searchResultSchema } from "#protocol/library";
import { attachmentInfoSchema, chatMessageSchema, errorInfoSchema } from "#protocol/messages";
import { shareInfoSchema, sharePutSchema, shareSchema } from "#protocol/sharing";
import { adminTokenSchema, createTokenSchema, tokenViewSchema } from "#protocol/tokens";
import type { AppEnv } from "./app-env";
import { json } from "./responses";

/**
 * Shared shapes, by the name the document gives them: each is a component that the routes refer
 * to with `$ref`. The protocol modules are shared with the web app, which must not load the
 * OpenAPI extension of zod, so the names are attached here rather than with `.openapi()` there.
 * The generator defines a component where it first meets it, so shapes come before the shapes
 * that contain them (met first as a nullable field, a component would become nullable itself).
 */
const COMPONENTS: Array<[string, z.ZodType]> = [
  ["AppError", apiErrorSchema],
  ["Health", healthSchema],
  ["User", sessionUserSchema],
  ["ErrorInfo", errorInfoSchema],
  ["AttachmentInfo", attachmentInfoSchema],
  ["ChatMessage", chatMessageSchema],
  ["ModelInfo", modelInfoSchema],
  ["ConversationSummary", conversationSummarySchema],
  ["UsageTotals", usageTotalsSchema],
  ["StoredKey", storedKeySchema],
  ["Token", tokenViewSchema],
  ["AdminToken", adminTokenSchema],
  ["SearchResult", searchResultSchema],
  ["Share", shareSchema],
  ["ShareInfo", shareInfoSchema],
  ["Person", personSchema],
  ["AdminModel", adminModelSchema],
  ["AdminUser", adminUserSchema],
  ["LimitsView", limitsViewSchema],
  ["UsageReport", usageReportSchema],
  ["SignUpRequest", signUpSchema],
  ["SignInRequest", signInSchema],
  ["ChangePasswordRequest", changePasswordSchema],
  ["SaveKeyRequest", saveKeySchema],
  ["CreateTokenRequest", createTokenSchema],
  ["CreateConversationRequest", createConversationSchema],
  ["ConversationPatch", conversationPatchSchema],
  ["ChatStreamRequest", chatStreamRequestSchema],
  ["SharePutRequest", sharePutSchema],
  // The WebSocket frames (docs/protocol.md), for clients generating types from this document.
  ["ServerFrame", serverFrameSchema],
  ["ClientFrame", clientFrameSchema],
  ["HubFrame", hubFrameSchema],
];

/** The data of each SSE event of `POST /api/v1/chat/stream`, under its shape's name. */
const SSE_EVENTS = Object.entries(sseEventSchemas).map(([event, schema]) => {
  const known = COMPONENTS.find(([, named]) => named === schema);
  if (known) return [event, known[0]] as const;
  const name = `Sse${event.charAt(0).toUpperCase()}${event.slice(1)}Event`;
  COMPONENTS.push([name, schema]);
  return [event, name] as const;
});
for (const [name, schema] of COMPONENTS) zodToOpenAPIRegistry.add(schema, { _internal: { refId: name } });

/** What `x-sse-events` of the chat stream's answer lists: each event's data, by reference. */
export const SSE_EVENT_REFS = Object.fromEntries(
  SSE_EVENTS.map(([event, name]) => [event, { $ref: `#/components/schemas/${name}` }]),
);

export const openApiRoute = createRoute({
  method: "get",
  path: "/api/v1/openapi.json",
  operationId: "openapi",
  tags: ["meta"],
  summary: "This document",
  security: [],
  responses: { 200: json("OpenAPI 3.1 document", z.looseObject({ openapi: z.string() })) },
});

/** `/conversations/:id` → `/conversations/{id}` (a `:name{regex}` loses its pattern). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");
}

const SECURITY_SCHEMES = [
  {
    type: "component" as const,
    componentType: "securitySchemes" as const,
    name: "session",
    component: {
      type: "apiKey" as const,
      in: "cookie" as const,
      name: "parley_session",
      description: "Set on the first /api response; keep a cookie jar.",
    },
  },
  {
    type: "component" as const,
    componentType: "securitySchemes" as const,
    name: "adminToken",
    component: {
      type: "http" as const,
      scheme: "bearer",
      description: "The operator's ADMIN_TOKEN secret, for /api/v1/admin/* only.",
    },
  },
];

/** `{type: [..., "null"]}` and nothing else. */
function isNullableType(schema: unknown): boolean {
  if (typeof schema !== "object" || schema === null || Object.keys(schema).length !== 1) return false;
  return "type" in schema && Array.isArray(schema.type) && schema.type.includes("null");
}

/**
 * zod-to-openapi writes a nullable field of a named shape as `allOf: [{$ref}, {type: [..., "null"]}]`,
 * which null cannot satisfy (it fails the $ref); OpenAPI 3.1 says it as `oneOf: [{$ref}, null]`.
 * Rewrites the document in place.
 */
function fixNullableRefs(node: unknown): void {
  if (typeof node !== "object" || node === null) return;
  for (const value of Object.values(node)) fixNullableRefs(value);
  if (!("allOf" in node) || !Array.isArray(node.allOf) || Object.keys(node).length !== 1) return;
  const parts: unknown[] = node.allOf;
  const [ref, nullable] = parts;
  if (parts.length !== 2 || typeof ref !== "object" || ref === null || !("$ref" in ref)) return;
  if (!isNullableType(nullable)) return;
  Reflect.deleteProperty(node, "allOf");
  Object.assign(node, { oneOf: [ref, { type: "null" }] });
}

const documents = new WeakMap<object, ReturnType<OpenApiGeneratorV31["generateDocument"]>>();

/** The document of `app`, built once per isolate. */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  const cached = documents.get(app);
  if (cached) return cached;
  // Every route the app registered, plus the named shapes (some, like the socket frames and the
  // SSE events, no route's body refers to) and how callers authenticate.
  const named = COMPONENTS.map(([, schema]) => ({ type: "schema" as const, schema }));
  const definitions = [...app.openAPIRegistry.definitions, ...named];
  const document = new OpenApiGeneratorV31([...definitions, ...SECURITY_SCHEMES]).generateDocument({
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
  });
  fixNullableRefs(document);
  documents.set(app, document);
  return document;
}
