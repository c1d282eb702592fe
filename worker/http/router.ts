/**
 * Every API router is an OpenAPIHono whose routes are declared with `createRoute`: the request's
 * params, query and body schemas validate it, and the same declarations make the OpenAPI
 * document. A request that does not fit is refused here in the API's one error shape.
 */
import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { AppError } from "../errors";

/** 400 `invalid_request`, naming the first offending field (`messages.0.content: Too big: …`). */
const refuseInvalid: Hook<unknown, AppEnv, string, void> = (result) => {
  if (result.success) return;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new AppError(400, "invalid_request", `${where}${issue?.message ?? `invalid ${result.target}`}`);
};

export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: refuseInvalid });
}
