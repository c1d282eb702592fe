/**
 * What `vite dev` prints, for a person running `npm run dev`: one line with the URL once the
 * worker has said it is healthy, warnings and errors as they come, and nothing else.
 *
 * - The worker's configuration is checked once at start: the plugin asks the worker's own
 *   `/healthz` (worker/env.ts validates every variable), and when it lists problems the server
 *   stops with them (each names the variable and its rule, never its value), instead of serving
 *   an app whose every request would fail.
 * - The logger drops what needs no action: Vite's banner and dependency-optimizer chatter, and
 *   the worker's `http_request` line for every answered request (errors keep their own lines).
 */
import { createLogger, type Logger, type Plugin, type ViteDevServer } from "vite";

const QUIET = [
  /^\s*VITE v\d/,
  /\[optimizer\]/,
  /Re-optimizing dependencies/,
  /Parsed \d+ valid header rules?\./,
];

/** The worker's per-request log line, unless the request failed on the server's side. */
function isRequestLine(message: string): boolean {
  if (!message.startsWith("{") || !message.includes('"event":"http_request"')) return false;
  try {
    const line = JSON.parse(message) as { event?: unknown; status?: unknown };
    return line.event === "http_request" && !(typeof line.status === "number" && line.status >= 500);
  } catch {
    return false;
  }
}

// eslint-disable-next-line no-control-regex
const plain = (message: string) => message.replace(/\u001b\[[0-9;]*m/g, "");

export function quietDevLogger(): Logger {
  const logger = createLogger("info");
  const info = logger.info.bind(logger);
  logger.info = (message, options) => {
    const text = plain(message);
    if (QUIET.some((pattern) => pattern.test(text)) || isRequestLine(text.trim())) return;
    info(message, options);
  };
  return logger;
}

interface Health {
  ok?: boolean;
  problems?: unknown;
}

async function health(url: string): Promise<Health | null> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL("/healthz", url), { signal: AbortSignal.timeout(30_000) });
      return (await response.json()) as Health;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return null;
}

async function announce(server: ViteDevServer): Promise<void> {
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
  const body = await health(url);
  const problems = Array.isArray(body?.problems) ? body.problems.map(String) : [];
  if (body?.ok === false && problems.length > 0) {
    server.config.logger.error(
      [
        "Parley cannot start: its configuration is invalid.",
        ...problems.map((problem) => `  - ${problem}`),
        "Fix this in .dev.vars (see .dev.vars.example) and run `npm run dev` again.",
      ].join("\n"),
    );
    await server.close();
    process.exit(1);
  }
  server.config.logger.info(`Parley is running at ${url}`);
}

export function devStartup(): Plugin {
  return {
    name: "parley:dev-startup",
    apply: "serve",
    configureServer(server) {
      // On `listening`, after every plugin has set up the server (the Cloudflare plugin adds a
      // Debug URL to printUrls); Vite's CLI calls printUrls once the server listens.
      server.httpServer?.once("listening", () => {
        server.printUrls = () => void announce(server);
      });
    },
  };
}
