/**
 * The Hono environment of every route and middleware: the worker's bindings and what the
 * middleware sets on a request. Its own module so routes need not import app.ts, which imports
 * them all.
 */
import type { Identity } from "../auth/session";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    identity: Identity;
    /** True when this request had no session and was given a new guest one. */
    newSession?: boolean;
    /** Set-Cookie values to add to the response. */
    cookies?: string[];
    /** This request's id (`x-request-id`), set by the request logger. */
    requestId: string;
  };
}
