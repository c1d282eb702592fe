import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { createTokenSchema, createdTokenSchema, tokenListSchema } from "#protocol/tokens";
import type { AppEnv } from "../../app-env";
import { AppError } from "../../../errors";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";

/**
 * Tokens act for an account: a guest's identity lives in one browser's cookie and ends when it
 * signs in, so it has nothing a script could keep acting for. Signed in but not allowed: 403.
 */
const accountsOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("identity").kind !== "user") {
    throw new AppError(403, "forbidden", "API tokens need an account. Sign up or sign in to create one.");
  }
  await next();
});

const tokenId = z.object({ id: z.string().min(1).max(100) });

export const listTokensRoute = createRoute({
  method: "get",
  path: "/tokens",
  operationId: "listTokens",
  tags: ["tokens"],
  summary: "Your personal access tokens that are not revoked, newest first (prefix only, never the secret)",
  middleware: accountsOnly,
  responses: { 200: json("Your tokens", tokenListSchema), ...errors(401, 403) },
});

export const createTokenRoute = createRoute({
  method: "post",
  path: "/tokens",
  operationId: "createToken",
  tags: ["tokens"],
  summary:
    "Create a personal access token for the OpenAI- and Anthropic-compatible endpoints; its secret is in this answer only",
  middleware: [accountsOnly, readJsonBody] as const,
  request: { body: jsonBody(createTokenSchema) },
  responses: {
    201: json("Created: keep the secret, it is not shown again", createdTokenSchema),
    ...errors(400, 401, 403, 409),
  },
});

export const revokeTokenRoute = createRoute({
  method: "delete",
  path: "/tokens/{id}",
  operationId: "revokeToken",
  tags: ["tokens"],
  summary: "Revoke one of your tokens; calls made with it are refused from now on",
  middleware: accountsOnly,
  request: { params: tokenId },
  responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404) },
});
