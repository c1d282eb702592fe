import { createRoute, z } from "@hono/zod-openapi";
import { keyAnswerSchema, keyListSchema, saveKeySchema } from "#protocol/http";
import { jsonBody, readJsonBody } from "../../json-body";
import { errors, json } from "../../responses";
import { requireAccount } from "../../session-middleware";

const signedIn = requireAccount("Sign in to keep your own provider keys.");
const provider = z.object({ provider: z.string().describe("`openai`, `anthropic`, `gemini`, …") });

export const listKeysRoute = createRoute({
  method: "get",
  path: "/keys",
  operationId: "listKeys",
  tags: ["keys"],
  summary: "Your saved provider keys (provider and last four characters only)",
  middleware: signedIn,
  responses: { 200: json("Saved keys", keyListSchema), ...errors(401) },
});

export const saveKeyRoute = createRoute({
  method: "put",
  path: "/keys/{provider}",
  operationId: "saveKey",
  tags: ["keys"],
  summary: "Save (or replace) your own key for a provider; stored encrypted",
  middleware: [signedIn, readJsonBody] as const,
  request: { params: provider, body: jsonBody(saveKeySchema) },
  responses: { 200: json("Saved", keyAnswerSchema), ...errors(400, 401, 503) },
});

export const deleteKeyRoute = createRoute({
  method: "delete",
  path: "/keys/{provider}",
  operationId: "deleteKey",
  tags: ["keys"],
  summary: "Forget your key for a provider",
  middleware: signedIn,
  request: { params: provider },
  responses: { 204: { description: "Deleted" }, ...errors(401, 404) },
});
