/**
 * The worker's outermost guard. Hono's `onError` (app.ts) turns every `Error` a route or
 * middleware throws into Parley's JSON error, but Hono rethrows a thrown value that is not an
 * `Error` (a string, a plain object), and that would leave `fetch` as an exception: Cloudflare
 * then answers with its own error page, and `vite dev` with its HTML error page and an overlay
 * pushed to every open tab. Here whatever escapes becomes a hidden `500 internal_error` in the
 * one JSON shape, with the API's headers, and a log line for the operator.
 */
import { AppError } from "../errors";
import { logError } from "../observability/log";
import { withApiHeaders } from "./security-headers";

type FetchHandler = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

export function answerEveryRequest(fetch: FetchHandler): FetchHandler {
  return async (request, env, ctx) => {
    try {
      return await fetch(request, env, ctx);
    } catch (error) {
      try {
        logError("unhandled_error", { code: "internal_error", error });
      } catch {
        // Logging must not be what turns this answer into an exception.
      }
      return withApiHeaders(lastResortError(error).toResponse(), new URL(request.url).pathname);
    }
  };
}

/** `error` as an AppError, even when reading it fails too (a throwing `message` getter…). */
function lastResortError(error: unknown): AppError {
  try {
    return AppError.from(error);
  } catch {
    return new AppError(500, "internal_error", "A failure that could not be read.");
  }
}
