/**
 * Under `vite dev`, the Cloudflare plugin hands a request for the worker (the `run_worker_first`
 * routes of wrangler.toml) to workerd. When that hand-off fails — workerd resets the connection
 * (seen in a burst of requests while a cold dev server is still optimizing dependencies), or the
 * worker throws out of `fetch` — the plugin passes the error on to Vite, whose error middleware
 * answers with its HTML 500 page (server file paths and a stack) and pushes the same error as an
 * overlay to every open tab through HMR, share viewers included.
 *
 * This plugin answers those failures itself, for the worker's routes only: a JSON error in the
 * API's one shape (`503 worker_unavailable`, retryable), and a line in the terminal for the
 * developer. Nothing goes to the browser's overlay. Vite's own errors (a module that fails to
 * compile, the HTML of a page) keep Vite's page and overlay, which is what they are for.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Connect, Plugin } from "vite";
import { unstable_readConfig } from "wrangler";

/** A `run_worker_first` pattern (`/api/*`, `!/api/public/*`) as a path test. */
function patternTest(pattern: string): (path: string) => boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*");
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

/** Whether `run_worker_first` sends `path` to the worker (before any static asset). */
export function workerRouteMatcher(
  runWorkerFirst: boolean | string[] | undefined,
): (path: string) => boolean {
  if (runWorkerFirst === true) return () => true;
  if (!Array.isArray(runWorkerFirst)) return () => false;
  const include = runWorkerFirst.filter((p) => !p.startsWith("!")).map(patternTest);
  const exclude = runWorkerFirst.filter((p) => p.startsWith("!")).map((p) => patternTest(p.slice(1)));
  return (path) => include.some((test) => test(path)) && !exclude.some((test) => test(path));
}

export const WORKER_UNAVAILABLE = {
  error: {
    code: "worker_unavailable",
    message: "The development server could not reach the worker. Please try again.",
  },
};

export function workerErrorsAsJson(wranglerConfigPath: string): Plugin {
  const isWorkerRoute = workerRouteMatcher(
    unstable_readConfig({ config: wranglerConfigPath }).assets?.run_worker_first,
  );
  return {
    name: "parley:worker-errors-as-json",
    apply: "serve",
    configureServer(server) {
      // Registered after Vite's own middlewares, still ahead of its error page.
      return () => {
        const handler: Connect.ErrorHandleFunction = (
          error: unknown,
          req: IncomingMessage,
          res: ServerResponse,
          next: Connect.NextFunction,
        ) => {
          const path = new URL(req.url ?? "/", "http://localhost").pathname;
          if (!isWorkerRoute(path)) return next(error);
          const reason = error instanceof Error ? error.message : String(error);
          const cause =
            error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
          server.config.logger.error(
            `[parley] ${req.method} ${path}: the worker did not answer: ${reason}${cause}`,
            {
              timestamp: true,
            },
          );
          if (res.headersSent) {
            res.destroy();
            return;
          }
          res.writeHead(503, {
            "Content-Type": "application/json",
            "Retry-After": "1",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
          });
          res.end(JSON.stringify(WORKER_UNAVAILABLE));
        };
        server.middlewares.use(handler);
      };
    },
  };
}
