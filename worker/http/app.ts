/**
 * The worker's HTTP surface: health, the v1 JSON API and the WebSocket entry to rooms. Every
 * error leaves as `{"error":{"code","message"}}` through `onError`; routes only throw. Each
 * concept's routes live in worker/http/routes/<concept>/, declared with `createRoute` so the
 * OpenAPI document comes from the same declarations that validate requests.
 */
import { HTTPException } from "hono/http-exception";
import { logError } from "../observability/log";
import { requestLogger } from "../observability/middleware";
import { AppError } from "../errors";
import { openApiDocument, openApiRoute } from "./openapi";
import { createRouter } from "./router";
import { adminRoutes } from "./routes/admin";
import { attachmentRoutes } from "./routes/attachments";
import { authRoutes } from "./routes/auth";
import { billingRoutes, billingWebhookRoutes } from "./routes/billing";
import { chatRoutes } from "./routes/chat";
import { compatRoutes } from "./routes/compat";
import { conversationRoutes } from "./routes/conversations";
import { emailLinkRoutes } from "./routes/email-links";
import { healthRoutes } from "./routes/health";
import { keyRoutes } from "./routes/keys";
import { libraryRoutes } from "./routes/library";
import { modelRoutes } from "./routes/models";
import { oauthRoutes } from "./routes/oauth";
import { roomSocketRoute } from "./routes/room";
import { shareRoutes } from "./routes/shares";
import { tokenRoutes } from "./routes/tokens";
import { usageRoutes } from "./routes/usage";
import { refuseWhileMisconfigured } from "./config-gate";
import { securityHeaders } from "./security-headers";
import { originCheck, sessionMiddleware } from "./session-middleware";

export function createApp() {
  const app = createRouter();

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
  // Before the session middleware: neither health checks nor the API description start a session.
  app.route("/", healthRoutes);
  // After health, which reports the problems, and before everything else, which refuses to run
  // on them. The compatible API applies the same gate itself, to answer in its clients' shape.
  app.use("/api/*", refuseWhileMisconfigured);
  app.use("/parties/*", refuseWhileMisconfigured);
  app.openapi(openApiRoute, (c) => c.json(openApiDocument(app), 200));
  // Before the session middleware too: admin routes run it themselves for cookie requests only,
  // since a bearer-token script needs neither a session nor an Origin (worker/admin/access.ts).
  app.route("/api/v1/admin", adminRoutes);
  // The compatible API authenticates personal tokens itself: no cookie session, no Origin check.
  app.route("/v1", compatRoutes);
  // Stripe's webhook is trusted by its signature alone: no session, no Origin.
  app.route("/api/v1", billingWebhookRoutes);
  app.use("/api/*", originCheck, sessionMiddleware);
  app.use("/parties/*", originCheck, sessionMiddleware);
  for (const routes of [
    authRoutes,
    emailLinkRoutes,
    oauthRoutes,
    keyRoutes,
    tokenRoutes,
    billingRoutes,
    modelRoutes,
    usageRoutes,
    conversationRoutes,
    chatRoutes,
    libraryRoutes,
    shareRoutes,
    attachmentRoutes,
  ]) {
    app.route("/api/v1", routes);
  }
  app.route("/parties", roomSocketRoute);
  return app;
}
