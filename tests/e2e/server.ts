/**
 * Starts Parley the way a developer does (`vite dev`: the SPA plus the Worker and its Durable Objects
 * in workerd) on a free port with a fresh local state (D1 + DO storage), for end-to-end tests.
 *
 * - state: a new directory under `.e2e-state/`, migrated with
 *   `wrangler d1 migrations apply DB --local --persist-to <dir>`, handed to vite.config.ts as
 *   `PARLEY_STATE_DIR` (the developer's `.wrangler/state` is never touched);
 * - worker variables: `CLOUDFLARE_INCLUDE_PROCESS_ENV=true` makes the Cloudflare plugin pass this
 *   process's environment to the Worker (SESSION_SECRET, DEMO_TOKEN_DELAY_MS, …). Wrangler's rule:
 *   a `.dev.vars` file at the repository root wins over the environment — a warning is printed then;
 * - stop: SIGTERM to the whole process group (npx → vite → workerd), SIGKILL after a grace period.
 *
 * `buildApp(outDir)` + `startDevServer({ preview: outDir })` serve the production build instead
 * (`vite preview`: the built worker and assets in workerd, with web/public/_headers applied), from
 * a directory of the test's own so a developer's dist/ is never touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../free-port.ts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface DevServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  stateDir: string;
  /** Everything the server printed so far (for failure messages). */
  logs: () => string;
  stop: () => Promise<void>;
}

export interface DevServerOptions {
  /** Extra variables for the worker (and vite). */
  env?: Record<string, string>;
  /** Keep the state directory after stop (also with KEEP_E2E_STATE=1). */
  keepState?: boolean;
  startTimeoutMs?: number;
  /** Another Vite config file (default: vite.config.ts); also E2E_VITE_CONFIG. */
  configFile?: string;
  /** Serve this build output (from `buildApp`) with `vite preview` instead of running `vite dev`. */
  preview?: string;
}

const baseEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  FORCE_COLOR: "0",
  NO_COLOR: "1",
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHealth(url: string, child: ChildProcess, logs: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`vite exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logs()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      lastError = `GET /healthz → ${response.status} ${await response.text()}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`vite did not answer /healthz within ${timeoutMs} ms (${lastError}):\n${logs()}`);
}

/** `vite build` into `outDir` (client assets and the worker bundle with its wrangler.json). */
export async function buildApp(outDir: string): Promise<void> {
  await run("npx", ["vite", "build", "--outDir", outDir, "--emptyOutDir"], baseEnv());
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  // The port is checked free a few seconds before vite opens it (the migrations run in between);
  // when another process took it meanwhile, vite exits at once and a new port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      if (attempt >= 3 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(options: DevServerOptions, port: number): Promise<DevServer> {
  const url = `http://127.0.0.1:${port}`;
  const stateBase = path.join(repoRoot, ".e2e-state");
  mkdirSync(stateBase, { recursive: true });
  const stateDir = mkdtempSync(path.join(stateBase, "run-"));
  const keepState = options.keepState || process.env.KEEP_E2E_STATE === "1";

  if (existsSync(path.join(repoRoot, ".dev.vars"))) {
    console.warn(
      "[e2e] .dev.vars exists at the repository root: the worker reads it instead of the variables " +
        "set by the test harness (SESSION_SECRET, DEMO_TOKEN_DELAY_MS). Move it away for exact test timings.",
    );
  }

  await run(
    "npx",
    ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir],
    baseEnv(),
  );

  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    PORT: String(port),
    PARLEY_STATE_DIR: stateDir,
    // No debugger port: several servers start at once here, and they would race for 9229.
    PARLEY_INSPECTOR: "off",
    CLOUDFLARE_INCLUDE_PROCESS_ENV: "true",
    SESSION_SECRET: "e2e-session-secret-0123456789-abcdefghijklmnop",
    DEMO_TOKEN_DELAY_MS: "30",
    ENCRYPTION_KEY: "e2e-encryption-key-0123456789-abcdefghijklmnop",
    // Every browser context here comes from 127.0.0.1, which the per-IP guest limit would treat
    // as one person; the limit itself is tested in the worker suite.
    GUEST_RATE_LIMIT: "10000",
    DEMO_RATE_LIMIT: "10000",
    ...options.env,
  };
  // `detached`: its own process group, so stop() reaches vite's workerd children too.
  const configFile = options.configFile ?? process.env.E2E_VITE_CONFIG;
  const command = options.preview ? ["preview", "--outDir", options.preview] : ["dev"];
  const child = spawn("npx", ["vite", ...command, ...(configFile ? ["--config", configFile] : [])], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const logs = () => output;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, "SIGTERM");
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 8_000));
    if ((await Promise.race([exited(child), timeout])) === "timeout") {
      killGroup(child, "SIGKILL");
      await exited(child);
    }
    // Stragglers in the group (workerd) after vite itself exited.
    killGroup(child, "SIGKILL");
    if (!keepState) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child, logs, options.startTimeoutMs ?? 90_000);
  } catch (error) {
    await stop();
    if (/Port \d+ is already in use/.test(logs())) throw new PortTaken(String(error));
    throw error;
  }
  return { url, port, stateDir, logs, stop };
}
