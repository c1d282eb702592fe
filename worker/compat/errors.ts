/**
 * A refusal written for a compatible endpoint's client rather than for Parley's own API: it
 * already carries the vendor's error `type` and the request field at fault (`param`), so each
 * dialect's writer can put it in its own shape as is (OpenAI's `{error:{message,type,code,param}}`,
 * Anthropic's `{type:"error",error:{type,message}}`).
 */
import type { ErrorStatus } from "../errors";

export class CompatError extends Error {
  override name = "CompatError";

  constructor(
    readonly status: ErrorStatus,
    /** The vendor's error class, e.g. `invalid_request_error`. */
    readonly type: string,
    /** A machine-readable reason, or null when the type says it all. */
    readonly code: string | null,
    message: string,
    /** The request field at fault, in the vendor's notation, e.g. `messages[2].content`. */
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** The usual 400 for a request the client must fix. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new CompatError(400, "invalid_request_error", code, message, param);
}
