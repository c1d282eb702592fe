/**
 * The worker's HTTP surface: health, the v1 JSON API and the WebSocket entry to rooms. Every
 * error leaves as `{"error":{"code","message"}}` through `onError`; routes only throw.
 */
import { Hono } from "hono";
import { version as PARLEY_VERSION } from "../../package.json";
import { HTTPException } from "hono/http-exception";
import { logError } from "../observability/log";
import { requestLogger } from "../observability/middleware";
import { AppError } from "../errors";
import { originCheck, sessionMiddleware } from "./session-middleware";
import { authRoutes } from "./auth-routes";
import { keyRoutes } from "./key-routes";
import { securityHeaders } from "./security-headers";
import { apiRoutes } from "./api-routes";
import { libraryRoutes } from "./library-routes";
import { roomSocketRoute } from "./room-route";
import { shareRoutes } from "./share-routes";
import { oauthRoutes } from "./oauth-routes";
import { attachmentRoutes } from "./attachment-routes";
import { adminRoutes } from "./admin-routes";
import { openApiDocument } from "./openapi";
import type { AppEnv } from "./app-env";

export function createApp() {
  const app = new Hono<AppEnv>();

  app.onError((error) => {
    if (error instanceof HTTPException) {
      return new AppError(error.status === 413 ? 413 : 400, "bad_request", error.message).toResponse();
    }
    const failure = AppError.from(error);
    // What the person is not shown is what the operator needs: the detail goes to the log.
    if (!failure.expose) logError("unhandled_error", { code: failure.code, error });
    return failure.toResponse();
  });
  app.notFound(() => new AppError(404, "not_found", "No such endpoint.").toResponse());

  app.use("*", requestLogger);
  app.use("*", securityHeaders);
  app.get("/healthz", async (c) => {
    const d1 = await c.env.DB.prepare("SELECT 1 AS ok")
      .first<{ ok: number }>()
      .then((row) => (row?.ok === 1 ? "ok" : "unreachable"))
      .catch(() => "unreachable");
    const ok = d1 === "ok";
    return c.json({ ok, service: "parley", version: PARLEY_VERSION, d1 }, ok ? 200 : 503);
  });
  // Before the session middleware: reading the API description starts no session.
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument()));
  // Before the session middleware too: admin routes run it themselves for cookie requests only,
  // since a bearer-token script needs neither a session nor an Origin (worker/admin/access.ts).
  app.route("/api/v1/admin", adminRoutes);
  app.use("/api/*", originCheck, sessionMiddleware);
  app.use("/parties/*", originCheck, sessionMiddleware);
  app.route("/api/v1/auth/oauth", oauthRoutes);
  app.route("/api/v1/auth", authRoutes);
  app.route("/api/v1/keys", keyRoutes);
  app.route("/api/v1", apiRoutes);
  app.route("/api/v1", libraryRoutes);
  app.route("/api/v1", shareRoutes);
  app.route("/api/v1", attachmentRoutes);
  app.route("/parties", roomSocketRoute);
  return app;
}
