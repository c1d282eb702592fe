/**
 * Starting and stopping what the benchmark runs: the fake upstream (a Node process) and three
 * workers under `wrangler dev` (each its own workerd), all on 127.0.0.1 with free ports and
 * temporary state. Everything is spawned in its own process group so `stop()` reaches workerd.
 * CPU time of a server's workerd processes is read from /proc.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../tests/free-port.ts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = path.join(repoRoot, "node_modules/wrangler/bin/wrangler.js");

export const childEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  FORCE_COLOR: "0",
  NO_COLOR: "1",
  // Never hand this process's variables (or a developer's secrets) to a worker.
  CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
  // Offline machine: skip the attempt to download the `request.cf` placeholder data.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
});

export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  logs: () => string;
  stop: () => Promise<void>;
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

function launch(name: string, args: string[], cwd: string): Service & { output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd,
    env: childEnv(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, "SIGTERM");
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000));
    if ((await Promise.race([exited(child), timeout])) === "timeout") killGroup(child, "SIGKILL");
    await exited(child);
    // Stragglers (workerd) in the group after the parent exited.
    killGroup(child, "SIGKILL");
  };
  return { name, url: "", child, logs: () => output, output: () => output, stop };
}

/** Runs a command to completion (e.g. D1 migrations); rejects with its output on failure. */
export function runToEnd(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}

export function wranglerArgs(...args: string[]): string[] {
  return [WRANGLER, ...args];
}

/** Starts the fake upstream (tests/fake-upstream/cli.ts) on a free port. */
export async function startFakeUpstream(): Promise<Service> {
  const service = launch(
    "fake upstream",
    [path.join(repoRoot, "tests/fake-upstream/cli.ts"), "--port", "0", "--host", "127.0.0.1"],
    repoRoot,
  );
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(service.output());
    if (match?.[1]) return { ...service, url: match[1] };
    if (service.child.exitCode !== null) break;
    await sleep(50);
  }
  await service.stop();
  throw new Error(`the fake upstream did not start:\n${service.output()}`);
}

export interface WranglerOptions {
  name: string;
  /** wrangler config file. */
  config: string;
  /** Local state (D1, Durable Objects); always a temporary directory. */
  persistTo: string;
  vars?: Record<string, string>;
  /** A path that answers 200 once the worker is up. */
  readyPath: string;
  timeoutMs?: number;
}

/** `wrangler dev` for one worker on a free port of 127.0.0.1. */
export async function startWrangler(options: WranglerOptions): Promise<Service> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const vars = Object.entries(options.vars ?? {}).flatMap(([key, value]) => ["--var", `${key}:${value}`]);
  const service = launch(
    options.name,
    wranglerArgs(
      "dev",
      "--config",
      options.config,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      options.persistTo,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
      ...vars,
    ),
    path.dirname(options.config),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = "";
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) break;
    try {
      const response = await fetch(url + options.readyPath, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.ok) return { ...service, url };
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  await service.stop();
  throw new Error(`${options.name} did not become ready (${last}):\n${service.output()}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** user + system CPU, milliseconds. */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // After "pid (comm) ": state ppid … utime (14th overall) stime (15th overall).
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, comm, ppid, cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** Every process below `root` (children, grandchildren, …). */
function descendants(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.push(stat);
  }
  const found: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const stat of all) {
      if (stat.ppid === parent) {
        found.push(stat);
        queue.push(stat.pid);
      }
    }
  }
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

export interface RuntimeCpu {
  /** The workerd that runs the worker and its Durable Objects. */
  worker: number;
  /** wrangler's own proxy workerd in front of it (local development only; no such hop in production). */
  proxy: number;
}

/**
 * CPU time (ms) used so far by the workerd processes of a `wrangler dev`: the one listening on
 * the public port is wrangler's proxy, the other runs the worker itself.
 */
export function runtimeCpu(service: Service): RuntimeCpu {
  const cpu: RuntimeCpu = { worker: 0, proxy: 0 };
  if (service.child.pid === undefined) return cpu;
  const publicPort = new URL(service.url).port;
  for (const stat of descendants(service.child.pid)) {
    if (!stat.comm.startsWith("workerd")) continue;
    if (commandLine(stat.pid).includes(`entry=127.0.0.1:${publicPort} `)) cpu.proxy += stat.cpuMs;
    else cpu.worker += stat.cpuMs;
  }
  return cpu;
}
