/**
 * The answers a route declares in `createRoute`: its success body, and the error statuses worth
 * naming for it. Every error carries the one shape `{"error":{"code","message"}}`.
 */
import type { z } from "zod";
import { apiErrorSchema } from "#protocol/http";

/**
 * An answer sent as a file or a stream (a download, Server-Sent Events, an upload's bytes): its
 * media types are documented, and the route answers with a Response it builds itself.
 */
export function file(description: string, content: Record<string, { schema: z.ZodType }>) {
  return { description, content };
}

/** A JSON answer. */
export function json<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}

const ERROR_TEXT = {
  400: "Invalid request (`invalid_json`, `invalid_request`, `unknown_model`, …)",
  401: "Not signed in",
  403: "Not allowed (`forbidden`, `bad_origin`, `banned`)",
  404: "Not found, or not yours",
  409: "Conflict (`conversation_busy`, `email_taken`, `attachment_sent`, `too_many_tokens`)",
  413: "Body too large",
  415: "A file of a kind Parley does not take",
  429: "Rate limit, monthly quota, concurrent generations or password attempts (`rate_limited`, `quota_exhausted`, `too_many_generations`, `too_many_attempts`); see Retry-After",
  503: "Temporarily unavailable",
} as const;
type ErrorStatus = keyof typeof ERROR_TEXT;
type ErrorAnswer = ReturnType<typeof json<typeof apiErrorSchema>>;

/** The error statuses a route names, plus `default` for any other error. */
export function errors<S extends ErrorStatus>(...statuses: S[]): Record<S | "default", ErrorAnswer> {
  const answers: Partial<Record<ErrorStatus | "default", ErrorAnswer>> = {
    default: json("Any other error, in the same shape", apiErrorSchema),
  };
  for (const status of statuses) answers[status] = json(ERROR_TEXT[status], apiErrorSchema);
  // Every key of the declared type was just set.
  return answers as Record<S | "default", ErrorAnswer>;
}
