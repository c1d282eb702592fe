/**
 * The benchmark side of the fake upstream's timestamp channel (tests/fake-upstream/bench-cases.ts):
 * the offset between its clock and ours, the per-token write times of a stream, and the markers
 * that pick a benchmark case.
 */
import type { StreamTimings } from "../../tests/fake-upstream/bench-cases.ts";
import { sleep } from "./processes.ts";

export type { StreamTimings };

/** The OpenAI-catalogue model Parley and the peer ask the fake upstream for. */
export const BENCH_MODEL = "gpt-4.1-mini";

/** High-resolution epoch milliseconds, comparable with the fake upstream's after `toLocal`. */
export const now = (): number => performance.timeOrigin + performance.now();

let counter = 0;
/** A tag no other stream of this run has. */
export function newTag(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** `[[case:bench tokens=N rate=R tag=T]]` (rate in tokens per second; 0 = as fast as possible). */
export function benchMarker(tokens: number, rate: number, tag: string): string {
  return `[[case:bench tokens=${tokens} rate=${rate} tag=${tag}]]`;
}

export function markdownMarker(chars: number, rate: number, tag: string): string {
  return `[[case:bench-markdown chars=${chars} rate=${rate} tag=${tag}]]`;
}

export class Upstream {
  /** upstream clock − our clock, in ms. */
  offset = 0;
  /** Half the round trip of the best clock sample: the offset's uncertainty. */
  offsetError = Number.NaN;

  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  /** Estimates the clock offset from the quickest of `samples` round trips (NTP-style). */
  async syncClock(samples = 40): Promise<void> {
    let best = Number.POSITIVE_INFINITY;
    for (let index = 0; index < samples; index++) {
      const sent = now();
      const response = await fetch(`${this.url}/__control/clock`);
      const { now: remote } = (await response.json()) as { now: number };
      const received = now();
      const rtt = received - sent;
      if (rtt < best) {
        best = rtt;
        this.offset = remote - (sent + received) / 2;
      }
    }
    this.offsetError = best / 2;
  }

  /** An upstream timestamp on our clock. */
  toLocal(upstreamTime: number): number {
    return upstreamTime - this.offset;
  }

  /** The write times of the stream tagged `tag`, once it has ended (converted to our clock). */
  async timings(tag: string, timeoutMs = 30_000): Promise<StreamTimings> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await fetch(`${this.url}/__control/timings?tag=${encodeURIComponent(tag)}`);
      if (response.ok) {
        const timings = (await response.json()) as StreamTimings;
        if (timings.endAt > 0) {
          return {
            ...timings,
            requestAt: this.toLocal(timings.requestAt),
            headersAt: this.toLocal(timings.headersAt),
            endAt: this.toLocal(timings.endAt),
            writes: timings.writes.map((time) => this.toLocal(time)),
          };
        }
      } else {
        await response.arrayBuffer();
      }
      if (Date.now() > deadline) throw new Error(`the fake upstream has no finished stream tagged ${tag}`);
      await sleep(50);
    }
  }
}

/** One moment a client received something: when, and how much of the answer it then held. */
export interface Arrival {
  at: number;
  /** Characters of the answer held after this arrival. */
  chars: number;
  /** Bytes received on this connection so far, this arrival included. */
  bytes: number;
}

/**
 * Per-token delivery delay: for token i, the first arrival holding its last character, minus
 * the moment the upstream wrote it. Tokens the client never got are left out (and counted).
 */
export function tokenDelays(
  timings: StreamTimings,
  arrivals: readonly Arrival[],
): { delays: number[]; missing: number } {
  const delays: number[] = [];
  let cursor = 0;
  let missing = 0;
  for (const [index, end] of timings.ends.entries()) {
    while (cursor < arrivals.length && (arrivals[cursor]?.chars ?? 0) < end) cursor++;
    const arrival = arrivals[cursor];
    const written = timings.writes[index];
    if (!arrival || written === undefined) {
      missing++;
      continue;
    }
    delays.push(arrival.at - written);
  }
  return { delays, missing };
}
