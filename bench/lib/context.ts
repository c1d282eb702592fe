/** What every figure of the benchmark gets: the running services and a few helpers. */
import type { Service } from "./processes.ts";
import type { Upstream } from "./upstream.ts";

export interface BenchContext {
  upstream: Upstream;
  upstreamService: Service;
  parley: Service;
  baseline: Service;
  peer: Service;
  /** Client assets of the vite build (for the initial JS size). */
  assetsDir: string;
  /** `BENCH_QUICK=1`: far fewer samples, to try the harness (the numbers mean little). */
  quick: boolean;
  log: (message: string) => void;
}

export const SYSTEMS = ["parley", "baseline", "peer"] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** Pick `full` normally and `quick` under BENCH_QUICK=1. */
export function scale(context: BenchContext, full: number, quick: number): number {
  return context.quick ? quick : full;
}

/** A unique name for a peer agent instance (one Durable Object per chat). */
export function agentName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
