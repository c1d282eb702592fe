import { createRoute, z } from "@hono/zod-openapi";
import { oauthProvidersSchema } from "#protocol/http";
import { errors, json } from "../../responses";

const provider = z.object({ provider: z.string().describe("`github` or `google`") });

export const listOAuthProvidersRoute = createRoute({
  method: "get",
  path: "/auth/oauth",
  operationId: "listOAuthProviders",
  tags: ["accounts"],
  summary: "The sign-in providers the operator configured",
  responses: { 200: json("Providers", oauthProvidersSchema), ...errors() },
});

export const startOAuthRoute = createRoute({
  method: "get",
  path: "/auth/oauth/{provider}",
  operationId: "startOAuth",
  tags: ["accounts"],
  summary: "Start signing in with a provider (a browser navigation)",
  request: { params: provider },
  responses: { 302: { description: "Redirect to the provider's consent page" }, ...errors(404) },
});

export const finishOAuthRoute = createRoute({
  method: "get",
  path: "/auth/oauth/{provider}/callback",
  operationId: "finishOAuth",
  tags: ["accounts"],
  summary: "Where the provider sends the browser back; signs in and redirects to the app",
  request: {
    params: provider,
    query: z.object({
      code: z.string().optional(),
      state: z.string().optional(),
      error: z.string().optional().describe("Set by the provider when the person declined"),
    }),
  },
  responses: {
    302: { description: "Redirect to `/` (with `?auth_error=<code>` on failure)" },
    ...errors(404),
  },
});
