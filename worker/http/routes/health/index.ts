/**
 * `GET /healthz`: liveness, version, whether D1 answers and whether the configuration is valid, for
 * uptime checks (no session). Not ok (503) lists the problems: the configuration's by variable
 * name and rule, never a value, the same words every other route's `503 misconfigured` uses.
 */
import { createRoute } from "@hono/zod-openapi";
import { version as PARLEY_VERSION } from "../../../../package.json";
import { healthSchema } from "#protocol/http";
import { configProblems } from "../../../env";
import { json } from "../../responses";
import { createRouter } from "../../router";

export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "health",
  tags: ["health"],
  summary: "Liveness, version, D1 reachability and configuration",
  security: [],
  responses: {
    200: json("Healthy", healthSchema),
    503: json(
      "The configuration is invalid or D1 does not answer (the same shape, with `problems`)",
      healthSchema,
    ),
  },
});

export const healthRoutes = createRouter().openapi(healthRoute, async (c) => {
  // In an async function, so a binding that throws at once counts as unreachable too.
  const d1 = await (async () => c.env.DB.prepare("SELECT 1 AS ok").first<{ ok: number }>())()
    .then((row) => (row?.ok === 1 ? "ok" : "unreachable"))
    .catch(() => "unreachable" as const);
  const problems = [...configProblems(c.env), ...(d1 === "ok" ? [] : ["D1 (binding DB) does not answer"])];
  const body = { ok: problems.length === 0, service: "parley", version: PARLEY_VERSION, d1 } as const;
  return body.ok ? c.json(body, 200) : c.json({ ...body, problems }, 503);
});
