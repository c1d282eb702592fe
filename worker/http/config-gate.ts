/**
 * While the worker's configuration is invalid, every route but `/healthz` answers the same
 * `503 misconfigured`, listing what to fix (names and rules, never values). Without this gate a
 * broken setting showed up route by route: a 500 where a handler happened to read the config, a
 * 200 where none did. `/healthz` answers 503 with the same list (./routes/health).
 */
import { createMiddleware } from "hono/factory";
import { configProblems, misconfiguredError } from "../env";

export const refuseWhileMisconfigured = createMiddleware(async (c, next) => {
  const problems = configProblems(c.env as Env);
  if (problems.length > 0) throw misconfiguredError(problems);
  await next();
});
