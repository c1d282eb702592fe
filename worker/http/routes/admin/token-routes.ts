/** The admin API's operations on personal access tokens (docs/admin.md). */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { adminTokenListSchema } from "#protocol/tokens";
import { errors, json } from "../../responses";

const security: RouteConfig["security"] = [{ session: [] }, { adminToken: [] }];
const admin = { tags: ["admin"], security };

export const listUserTokensRoute = createRoute({
  ...admin,
  method: "get",
  path: "/users/{id}/tokens",
  operationId: "adminListUserTokens",
  summary: "A person's personal access tokens, revoked ones too, newest first (never the secrets)",
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: json("Their tokens", adminTokenListSchema), ...errors(401, 403, 404) },
});

export const adminRevokeTokenRoute = createRoute({
  ...admin,
  method: "delete",
  path: "/tokens/{id}",
  operationId: "adminRevokeToken",
  summary: "Revoke anyone's personal access token; calls made with it are refused from now on",
  request: { params: z.object({ id: z.string() }) },
  responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404) },
});
