/**
 * One error type for everything a client may see. Routes throw it; `app.onError` turns it (and
 * anything unexpected) into the single JSON shape `{"error":{"code","message"}}`.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message } },
      { status: this.status, headers: this.headers },
    );
  }
}

export const notFound = (what = "Conversation") => new ApiError(404, "not_found", `${what} not found.`);
