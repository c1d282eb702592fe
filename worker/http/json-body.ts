/**
 * Reading a JSON request body, ahead of the route's validator (route middleware; the validator
 * then checks it against the schema the route declares with `jsonBody`). The body is read once
 * and capped at 1 MB, and a body that is not JSON is refused as `invalid_json` whatever its
 * Content-Type said: scripts that forget the header keep working, as they always have.
 */
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import type { AppEnv } from "./app-env";
import { AppError } from "../errors";

/** Request bodies larger than this are refused before parsing. */
export const MAX_BODY_BYTES = 1_000_000;

/** The `request.body` of a route that takes JSON, for `createRoute`. */
export function jsonBody<T extends z.ZodType>(schema: T, { optional = false } = {}) {
  return { required: !optional, content: { "application/json": { schema } } };
}

function tooLarge() {
  return new AppError(413, "payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}

function jsonReader({ optional }: { optional: boolean }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) throw tooLarge();
    const text = await c.req.raw.text();
    if (text.length > MAX_BODY_BYTES) throw tooLarge();
    const headers = new Headers(c.req.raw.headers);
    if (text.trim() === "") {
      if (!optional) throw new AppError(400, "invalid_json", "The request body must be JSON.");
      // No body and no label: the validator then hands the route an empty object. (A fresh
      // request, since one made from the read request with a null body would reuse the old one.)
      headers.delete("content-type");
      c.req.raw = new Request(c.req.url, { method: c.req.method, headers });
      return next();
    }
    try {
      JSON.parse(text);
    } catch {
      throw new AppError(400, "invalid_json", "The request body is not valid JSON.");
    }
    // The validator parses only bodies labelled as JSON; this one is, whatever the client said.
    headers.set("content-type", "application/json");
    c.req.raw = new Request(c.req.raw, { headers, body: text });
    await next();
  });
}

/**
 * Route middleware for a JSON body: 413 `payload_too_large` above 1 MB, 400 `invalid_json` when
 * it is empty or not JSON. What does not fit the schema is the validator's 400 `invalid_request`.
 */
export const readJsonBody = jsonReader({ optional: false });

/** The same for a route whose body may be left out entirely (it then gets `{}`). */
export const readOptionalJsonBody = jsonReader({ optional: true });
