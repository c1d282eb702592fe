/** What the benchmark ran on, recorded next to the numbers. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "./processes.ts";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  wrangler: string;
  workerd: string;
  chromium: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: number[];
}

function packageVersion(name: string): string {
  try {
    const file = path.join(repoRoot, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function command(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, {
      encoding: "utf8",
      timeout: 10_000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "unknown";
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    wrangler: packageVersion("wrangler"),
    workerd: packageVersion("workerd"),
    chromium: command(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", ["--version"]),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
