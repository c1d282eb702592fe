/**
 * Figure 3: throughput ceiling of one room. Sixteen devices watch answers streamed at rising
 * rates (tokens per second offered by the upstream), then one as fast as the upstream can write.
 * For each step: the rate the slowest device actually received tokens at, frames per second per
 * device, the per-token delay, and the runtime's CPU time per token (workerd user + system time
 * for the whole answer, delivered to all 16 devices, divided by its tokens).
 *
 * The ceiling is the highest step at which the delay has not grown: p99 ≤ 50 ms and the devices
 * keep up with the upstream (≥ 95 % of its achieved rate). Once a system falls behind, its higher
 * fixed rates are skipped (only the full-speed step still runs).
 */
import { SYSTEMS, scale, type BenchContext, type SystemName } from "../lib/context.ts";
import { openSession } from "../lib/sessions.ts";
import { round, roundSummary, summarize, type Summary } from "../lib/stats.ts";
import { tokenDelays } from "../lib/upstream.ts";

export const THROUGHPUT_DEVICES = 16;
const MAX_P99_MS = 50;

export interface ThroughputStep {
  /** Tokens per second asked of the upstream; 0 = as fast as it can write. */
  offeredRate: number;
  tokens: number;
  /** What the upstream achieved, tokens/s. */
  upstreamRate: number;
  /** Tokens/s at the slowest device: tokens / (its last token − the first write). */
  deliveredRate: number;
  /** Frames (or network reads) per second per device. */
  framesPerSecond: number;
  delay: Summary;
  /** CPU of the workerd running the worker, per token of the answer (all 16 devices served). */
  cpuMsPerToken: number;
  /** CPU of wrangler's local proxy in front of it, per token (no such hop in production). */
  proxyCpuMsPerToken: number;
  keptUp: boolean;
  wrongText: number;
  missingTokens: number;
}

export interface ThroughputResult {
  devices: number;
  systems: Record<SystemName, ThroughputStep[]>;
  /** The highest step that kept up (null when none did). */
  ceiling: Record<SystemName, ThroughputStep | null>;
}

export async function measureThroughput(context: BenchContext): Promise<ThroughputResult> {
  const seconds = scale(context, 1.5, 1);
  const steps = context.quick ? [500, 2000, 0] : [500, 1000, 2000, 4000, 0];
  const systems = { parley: [], baseline: [], peer: [] } as Record<SystemName, ThroughputStep[]>;
  for (const system of SYSTEMS) {
    const session = await openSession(context, system, THROUGHPUT_DEVICES);
    try {
      let fellBehind = false;
      for (const offeredRate of steps) {
        // Past the first rate a system could not keep up with, higher fixed rates only take time.
        if (fellBehind && offeredRate !== 0) continue;
        const tokens =
          offeredRate === 0 ? scale(context, 2000, 1000) : Math.max(1000, Math.round(offeredRate * seconds));
        const answer = await session.stream(tokens, offeredRate);
        const delays: number[] = [];
        let missingTokens = 0;
        let slowestSpan = 0;
        let upstreamSpan = 0;
        let frames = 0;
        for (const device of answer.devices) {
          const result = tokenDelays(device.timings, device.arrivals);
          delays.push(...result.delays);
          missingTokens += result.missing;
          const firstWrite = device.timings.writes[0] ?? 0;
          const lastWrite = device.timings.writes.at(-1) ?? firstWrite;
          upstreamSpan = Math.max(upstreamSpan, lastWrite - firstWrite);
          slowestSpan = Math.max(slowestSpan, (device.arrivals.at(-1)?.at ?? firstWrite) - firstWrite);
          frames += device.frames;
        }
        const upstreamRate = upstreamSpan > 0 ? (tokens / upstreamSpan) * 1000 : Number.NaN;
        const deliveredRate = slowestSpan > 0 ? (tokens / slowestSpan) * 1000 : Number.NaN;
        const delay = roundSummary(summarize(delays));
        const step: ThroughputStep = {
          offeredRate,
          tokens,
          upstreamRate: Math.round(upstreamRate),
          deliveredRate: Math.round(deliveredRate),
          framesPerSecond: Math.round(frames / answer.devices.length / (slowestSpan / 1000)),
          delay,
          cpuMsPerToken: round(answer.cpuMs / tokens, 4),
          proxyCpuMsPerToken: round(answer.proxyCpuMs / tokens, 4),
          keptUp: delay.p99 <= MAX_P99_MS && deliveredRate >= 0.95 * upstreamRate && answer.wrongText === 0,
          wrongText: answer.wrongText,
          missingTokens,
        };
        systems[system].push(step);
        if (!step.keptUp) fellBehind = true;
        context.log(
          `  ${system} @ ${offeredRate || "max"} tok/s: delivered ${step.deliveredRate} tok/s (upstream ${step.upstreamRate}), p99 ${delay.p99} ms, ${step.framesPerSecond} frames/s, ${step.cpuMsPerToken} ms CPU/token`,
        );
      }
    } finally {
      await session.close();
    }
  }
  const ceiling = Object.fromEntries(
    SYSTEMS.map((system) => {
      const kept = systems[system].filter((step) => step.keptUp);
      const best = kept.reduce<ThroughputStep | null>(
        (top, step) => (top === null || step.deliveredRate > top.deliveredRate ? step : top),
        null,
      );
      return [system, best];
    }),
  ) as Record<SystemName, ThroughputStep | null>;
  return { devices: THROUGHPUT_DEVICES, systems, ceiling };
}
