/**
 * Figure 2: fan-out. One answer watched by 1, 4, 16 and 64 devices; for every token and every
 * device, the delay from the upstream's write to the device's receive. Reported per device count
 * as p50/p99 over all (token, device) pairs, with the least-squares slope of p50 and p99 against
 * the device count (µs per extra device). Also what each device received per 1,000 tokens
 * (frames, bytes) — the peer comparison of figure 7.
 *
 * Two token rates: 50 tokens/s (a typical hosted model; slower than Parley's 16 ms coalescing
 * window, so nothing waits for a batch) and 200 tokens/s (a fast model; several tokens share a
 * frame and wait up to one window for it).
 */
import { SYSTEMS, scale, type BenchContext, type SystemName } from "../lib/context.ts";
import { openSession } from "../lib/sessions.ts";
import { round, roundSummary, slope, summarize, type Summary } from "../lib/stats.ts";
import { tokenDelays } from "../lib/upstream.ts";

export interface FanoutPoint {
  devices: number;
  /** Delay upstream write → device receive over all tokens and devices, ms. */
  delay: Summary;
  /** Per device, per 1,000 tokens. */
  framesPer1000: number;
  bytesPer1000: number;
  /** CPU of the workerd running the worker for the whole answer ÷ its tokens, ms. */
  cpuMsPerToken: number;
  /** The same for wrangler's local proxy in front of it (no such hop in production). */
  proxyCpuMsPerToken: number;
  missingTokens: number;
  wrongText: number;
  gaps: number;
}

export interface FanoutSeries {
  rate: number;
  tokens: number;
  systems: Record<SystemName, FanoutPoint[]>;
  /** Slope of the delay against the device count, µs per extra device. */
  slopeUsPerDevice: Record<SystemName, { p50: number; p99: number }>;
}

export interface FanoutResult {
  deviceCounts: number[];
  series: FanoutSeries[];
}

export async function measureFanout(context: BenchContext): Promise<FanoutResult> {
  const deviceCounts = context.quick ? [1, 4, 16] : [1, 4, 16, 64];
  const rates = [
    { rate: 50, tokens: scale(context, 200, 60) },
    { rate: 200, tokens: scale(context, 600, 150) },
  ];
  const series: FanoutSeries[] = [];
  for (const { rate, tokens } of rates) {
    const systems = { parley: [], baseline: [], peer: [] } as Record<SystemName, FanoutPoint[]>;
    for (const devices of deviceCounts) {
      for (const system of SYSTEMS) {
        const session = await openSession(context, system, devices);
        try {
          const answer = await session.stream(tokens, rate);
          const delays: number[] = [];
          let missingTokens = 0;
          for (const device of answer.devices) {
            const result = tokenDelays(device.timings, device.arrivals);
            delays.push(...result.delays);
            missingTokens += result.missing;
          }
          const perDevice = (total: number) => (total / answer.devices.length / tokens) * 1000;
          systems[system].push({
            devices,
            delay: roundSummary(summarize(delays)),
            framesPer1000: round(
              perDevice(answer.devices.reduce((sum, device) => sum + device.frames, 0)),
              1,
            ),
            bytesPer1000: Math.round(
              perDevice(answer.devices.reduce((sum, device) => sum + device.bytes, 0)),
            ),
            cpuMsPerToken: round(answer.cpuMs / tokens, 4),
            proxyCpuMsPerToken: round(answer.proxyCpuMs / tokens, 4),
            missingTokens,
            wrongText: answer.wrongText,
            gaps: answer.gaps,
          });
          const point = systems[system].at(-1)!;
          context.log(
            `  ${rate} tok/s, ${devices} device(s), ${system}: p50 ${point.delay.p50} ms, p99 ${point.delay.p99} ms, ${point.framesPer1000} frames/1k tokens`,
          );
        } finally {
          await session.close();
        }
      }
    }
    const slopes = Object.fromEntries(
      SYSTEMS.map((system) => {
        const points = systems[system];
        const fit = (pick: (point: FanoutPoint) => number) =>
          round(slope(points.map((point) => [point.devices, pick(point)] as const)) * 1000, 1);
        return [system, { p50: fit((point) => point.delay.p50), p99: fit((point) => point.delay.p99) }];
      }),
    ) as Record<SystemName, { p50: number; p99: number }>;
    series.push({ rate, tokens, systems, slopeUsPerDevice: slopes });
  }
  return { deviceCounts, series };
}
