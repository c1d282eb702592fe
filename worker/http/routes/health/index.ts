/** `GET /healthz`: liveness, version and whether D1 answers, for uptime checks (no session). */
import { createRoute } from "@hono/zod-openapi";
import { version as PARLEY_VERSION } from "../../../../package.json";
import { healthSchema } from "#protocol/http";
import { json } from "../../responses";
import { createRouter } from "../../router";

export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "health",
  tags: ["health"],
  summary: "Liveness, version and D1 reachability",
  security: [],
  responses: {
    200: json("Healthy", healthSchema),
    503: json("D1 does not answer (the same shape)", healthSchema),
  },
});

export const healthRoutes = createRouter().openapi(healthRoute, async (c) => {
  const d1 = await c.env.DB.prepare("SELECT 1 AS ok")
    .first<{ ok: number }>()
    .then((row) => (row?.ok === 1 ? "ok" : "unreachable"))
    .catch(() => "unreachable" as const);
  const body = { ok: d1 === "ok", service: "parley", version: PARLEY_VERSION, d1 } as const;
  return body.ok ? c.json(body, 200) : c.json(body, 503);
});
