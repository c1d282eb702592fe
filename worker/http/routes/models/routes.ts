import { createRoute } from "@hono/zod-openapi";
import { modelListSchema } from "#protocol/http";
import { errors, json } from "../../responses";

export const listModelsRoute = createRoute({
  method: "get",
  path: "/models",
  operationId: "listModels",
  tags: ["models"],
  summary: "Models you can use now (configured providers, plus those you saved a key for)",
  responses: { 200: json("Models, the default first", modelListSchema), ...errors() },
});
