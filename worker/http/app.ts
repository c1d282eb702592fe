/**
 * The worker's HTTP surface: health, the v1 JSON API and the WebSocket entry to rooms. Every
 * error leaves as `{"error":{"code","message"}}` through `onError`; routes only throw.
 */
import { Hono } from "hono";
import { version as PARLEY_VERSION } from "../../package.json";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../env";
import { LimitError, rateLimitHeaders } from "../limits";
import { GenerationLimitError } from "../limits/concurrency";
import { logError } from "../observability/log";
import { requestLogger } from "../observability/middleware";
import { ContentBlockedError } from "../moderation";
import { RoomError } from "../room/ConversationRoom";
import { ApiError } from "./errors";
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
    if (error instanceof ApiError) return error.toResponse();
    if (error instanceof RoomError) return new ApiError(error.status, error.code, error.message).toResponse();
    if (error instanceof ContentBlockedError)
      return new ApiError(400, "content_blocked", error.message).toResponse();
    if (error instanceof LimitError) {
      const headers = error.decision
        ? rateLimitHeaders(error.decision)
        : { "Retry-After": String(Math.ceil(error.retryAfterMs / 1000)) };
      return new ApiError(429, error.code, error.message, headers).toResponse();
    }
    if (error instanceof GenerationLimitError) {
      const headers = { "Retry-After": String(Math.ceil(error.retryAfterMs / 1000)) };
      return new ApiError(error.status, error.code, error.message, headers).toResponse();
    }
    if (error instanceof HTTPException) {
      return new ApiError(error.status === 413 ? 413 : 400, "bad_request", error.message).toResponse();
    }
    const code = error instanceof ConfigError ? "misconfigured" : "internal_error";
    logError("unhandled_error", { code, error });
    return new ApiError(500, code, "Something went wrong on our side. Please try again.").toResponse();
  });
  app.notFound(() => new ApiError(404, "not_found", "No such endpoint.").toResponse());

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
