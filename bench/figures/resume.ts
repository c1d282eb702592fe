/**
 * Figure 5: resume. While one device keeps watching a 200 tokens/s answer, four others
 * repeatedly drop their connection for k tokens' worth of time and reconnect, the way each
 * system's own client does:
 *
 * - Parley: a new room socket with `?resume=<messageId>&offset=<what it holds>&version=<room
 *   version it holds>`; the room answers with `resumed` (the text from that offset on) when only
 *   text changed meanwhile, else with a snapshot from that offset on; then live deltas follow.
 * - peer: a new agent socket; the agent offers the active stream, the client acknowledges, and
 *   the stored chunks are replayed from the first one, then live chunks follow.
 *
 * Per reconnect: the time from opening the new socket until the device holds every token the
 * upstream had written by then ("caught up"), and the bytes it received on the new socket up to
 * that moment against the text it had missed (bytes ≤ 1.05 × missed is the goal). k = 100 and
 * k = 500 tokens. A second pass drops once during an answer written as fast as possible, where
 * a design that starves its event loop cannot answer a reconnect until the stream ends.
 */
import { benchText } from "../../tests/fake-upstream/bench-texts.ts";
import { ParleyGuest, PeerWatcher, withTimeout, type ParleyWatcher } from "../lib/clients.ts";
import { agentName, scale, type BenchContext } from "../lib/context.ts";
import { sleep } from "../lib/processes.ts";
import { round, roundSummary, summarize, type Summary } from "../lib/stats.ts";
import { benchMarker, newTag, now, type Arrival, type StreamTimings } from "../lib/upstream.ts";

interface Trial {
  away: number;
  /** Characters held when the connection dropped. */
  had: number;
  reconnectAt: number;
  arrivals: Arrival[];
  /** Set when the reconnect failed outright. */
  failed?: string;
}

export interface ResumeSummary {
  awayTokens: number;
  trials: number;
  failed: number;
  /** ms from opening the new socket to holding everything written by then. */
  catchUp: Summary;
  /** Bytes received on the new socket until caught up ÷ bytes of text it had not seen. */
  bytesRatio: Summary;
  /** Medians of the raw bytes. */
  receivedBytesP50: number;
  missedBytesP50: number;
  /** Why reconnects failed (the first few). */
  failures: string[];
}

export interface FullSpeedResume {
  trials: number;
  caughtUp: number;
  /** Of those, how many caught up while the answer was still streaming to the other device. */
  duringAnswer: number;
  catchUp: Summary;
  notes: string[];
}

export interface ResumeResult {
  rate: number;
  tokens: number;
  parley: ResumeSummary[];
  peer: ResumeSummary[];
  /** Resuming devices that did not end with the whole answer (of 4 per system). */
  incomplete: { parley: number; peer: number };
  fullSpeed: { parley: FullSpeedResume; peer: FullSpeedResume };
}

/** How a device reconnects and what it then receives, for either system. */
interface Device {
  text(): string;
  drop(): Promise<void>;
  reconnect(): Promise<Arrival[]>;
}

interface Stream {
  /** The device that never drops sends the prompt. */
  start(content: string): void;
  whenDone(): Promise<void>;
  /** When the device that never dropped received the last of the answer. */
  finishedAt(): number;
  device(): Promise<Device>;
  close(): Promise<void>;
}

async function parleyStream(context: BenchContext): Promise<Stream> {
  const guest = await ParleyGuest.create(context.parley.url);
  const conversationId = await guest.createConversation();
  const anchor = await guest.connect(conversationId);
  const opened: ParleyWatcher[] = [anchor];
  return {
    start: (content) => void anchor.sendPrompt(content),
    whenDone: () => anchor.whenDone(300_000),
    finishedAt: () => anchor.arrivals.at(-1)?.at ?? Number.NaN,
    async device() {
      let watcher = await guest.connect(conversationId);
      opened.push(watcher);
      return {
        text: () => watcher.text,
        drop: () => watcher.close(),
        async reconnect() {
          const messageId = watcher.messageId ?? anchor.messageId ?? "";
          const had = watcher.text;
          const { version } = watcher;
          // What the app's reconnect quotes (web/src/room/resume.ts): the text held, the version.
          const query = `?resume=${encodeURIComponent(messageId)}&offset=${had.length}${version !== null ? `&version=${encodeURIComponent(version)}` : ""}`;
          watcher = await guest.connect(conversationId, query, { messageId, text: had, version });
          opened.push(watcher);
          return watcher.arrivals;
        },
      };
    },
    async close() {
      await Promise.all(opened.map((watcher) => watcher.close()));
    },
  };
}

async function peerStream(context: BenchContext): Promise<Stream> {
  const name = agentName("resume");
  const anchor = await PeerWatcher.open(context.peer.url, name);
  const opened: PeerWatcher[] = [anchor];
  return {
    start: (content) => void anchor.sendPrompt(content),
    whenDone: () => anchor.whenDone(300_000),
    finishedAt: () => anchor.arrivals.at(-1)?.at ?? Number.NaN,
    async device() {
      let watcher = await PeerWatcher.open(context.peer.url, name);
      opened.push(watcher);
      return {
        text: () => watcher.text,
        drop: () => watcher.close(),
        async reconnect() {
          watcher = await PeerWatcher.open(context.peer.url, name, true);
          opened.push(watcher);
          return watcher.arrivals;
        },
      };
    },
    async close() {
      await Promise.all(opened.map((watcher) => watcher.close()));
    },
  };
}

/** What the upstream had written (characters) before `at`. */
function writtenBefore(timings: StreamTimings, at: number): number {
  let chars = 0;
  for (const [index, written] of timings.writes.entries()) {
    if (written >= at) break;
    chars = timings.ends[index] ?? chars;
  }
  return chars;
}

function evaluate(trials: Trial[], timings: StreamTimings, awayTokens: number): ResumeSummary {
  const catchUp: number[] = [];
  const ratios: number[] = [];
  const received: number[] = [];
  const missed: number[] = [];
  let failed = 0;
  const failures: string[] = [];
  for (const trial of trials.filter((candidate) => candidate.away === awayTokens)) {
    const target = writtenBefore(timings, trial.reconnectAt);
    const caught = trial.arrivals.find(
      (arrival) => arrival.chars >= target && arrival.at >= trial.reconnectAt,
    );
    if (trial.failed || !caught) {
      failed++;
      if (failures.length < 5) {
        failures.push(
          trial.failed ??
            `held ${trial.arrivals.at(-1)?.chars ?? 0} of the ${target} characters written before the reconnect`,
        );
      }
      continue;
    }
    const fresh = caught.chars - trial.had;
    catchUp.push(caught.at - trial.reconnectAt);
    received.push(caught.bytes);
    missed.push(fresh);
    if (fresh > 0) ratios.push(caught.bytes / fresh);
  }
  return {
    awayTokens,
    trials: trials.filter((trial) => trial.away === awayTokens).length,
    failed,
    catchUp: roundSummary(summarize(catchUp)),
    bytesRatio: roundSummary(summarize(ratios)),
    receivedBytesP50: Math.round(summarize(received).p50),
    missedBytesP50: Math.round(summarize(missed).p50),
    failures,
  };
}

/** Drops and reconnects `device` every `onMs + awayMs` until `stopAt`. */
async function cycle(
  device: Device,
  awayTokens: number,
  tokenMs: number,
  startDelayMs: number,
  stopAt: number,
  trials: Trial[],
): Promise<void> {
  const onMs = 100 * tokenMs;
  const awayMs = awayTokens * tokenMs;
  await sleep(startDelayMs);
  while (now() + awayMs + 1_000 < stopAt) {
    await sleep(onMs);
    const had = device.text().length;
    await device.drop();
    await sleep(awayMs);
    const reconnectAt = now();
    try {
      const arrivals = await device.reconnect();
      trials.push({ away: awayTokens, had, reconnectAt, arrivals });
    } catch (error) {
      trials.push({ away: awayTokens, had, reconnectAt, arrivals: [], failed: String(error) });
      return;
    }
  }
}

async function runSystem(
  context: BenchContext,
  system: "parley" | "peer",
  tokens: number,
  rate: number,
): Promise<{ summaries: ResumeSummary[]; incomplete: number }> {
  const tag = newTag(`resume-${system}`);
  const content = `Benchmark ${benchMarker(tokens, rate, tag)}`;
  const stream = system === "parley" ? await parleyStream(context) : await peerStream(context);
  try {
    const devices = await Promise.all([0, 1, 2, 3].map(() => stream.device()));
    const startedAt = now();
    const tokenMs = 1000 / rate;
    const stopAt = startedAt + tokens * tokenMs;
    stream.start(content);
    const trials: Trial[] = [];
    await Promise.all([
      cycle(devices[0]!, 100, tokenMs, 0, stopAt, trials),
      cycle(devices[1]!, 100, tokenMs, 250, stopAt, trials),
      cycle(devices[2]!, 500, tokenMs, 100, stopAt, trials),
      cycle(devices[3]!, 500, tokenMs, 600, stopAt, trials),
      stream.whenDone(),
    ]);
    const timings = await context.upstream.timings(tag);
    const expected = benchText(tokens);
    const summaries = [evaluate(trials, timings, 100), evaluate(trials, timings, 500)];
    // Every device must end with the whole answer.
    await sleep(1_000);
    const incomplete = devices.filter((device) => device.text() !== expected).length;
    if (incomplete > 0)
      context.log(`  ${system}: ${incomplete} resuming device(s) did not end with the full text`);
    return { summaries, incomplete };
  } finally {
    await stream.close();
  }
}

async function fullSpeed(
  context: BenchContext,
  system: "parley" | "peer",
  tokens: number,
): Promise<FullSpeedResume> {
  const tag = newTag(`resume-fast-${system}`);
  const content = `Benchmark ${benchMarker(tokens, 0, tag)}`;
  const stream = system === "parley" ? await parleyStream(context) : await peerStream(context);
  const notes: string[] = [];
  try {
    const devices = await Promise.all([0, 1].map(() => stream.device()));
    stream.start(content);
    const trials: Trial[] = [];
    await Promise.all([
      stream.whenDone(),
      ...devices.map(async (device, index) => {
        // Drop once the answer is under way, stay away 200 ms, come back.
        const deadline = now() + 10_000;
        while (device.text().length < 500 * (index + 1) && now() < deadline) await sleep(5);
        const had = device.text().length;
        await device.drop();
        await sleep(200);
        const reconnectAt = now();
        try {
          const arrivals = await withTimeout(device.reconnect(), 30_000, "reconnect");
          trials.push({ away: 0, had, reconnectAt, arrivals });
        } catch (error) {
          trials.push({ away: 0, had, reconnectAt, arrivals: [], failed: String(error) });
          notes.push(String(error));
        }
      }),
    ]);
    const timings = await context.upstream.timings(tag);
    const answerEnd = stream.finishedAt();
    const catchUp: number[] = [];
    let duringAnswer = 0;
    for (const trial of trials) {
      const target = writtenBefore(timings, trial.reconnectAt);
      const caught = trial.arrivals.find(
        (arrival) => arrival.chars >= target && arrival.at >= trial.reconnectAt,
      );
      if (!caught) continue;
      catchUp.push(caught.at - trial.reconnectAt);
      // No later than the device that stayed got the end: the room answered mid-stream.
      if (caught.at <= answerEnd + 1) duringAnswer++;
      else notes.push(`caught up ${round(caught.at - answerEnd, 1)} ms after the answer had ended`);
    }
    return {
      trials: trials.length,
      caughtUp: catchUp.length,
      duringAnswer,
      catchUp: roundSummary(summarize(catchUp)),
      notes,
    };
  } finally {
    await stream.close();
  }
}

export async function measureResume(context: BenchContext): Promise<ResumeResult> {
  const rate = 200;
  const tokens = scale(context, 2000, 800);
  const parley = await runSystem(context, "parley", tokens, rate);
  context.log(`  Parley: ${describe(parley.summaries)}`);
  const peer = await runSystem(context, "peer", tokens, rate);
  context.log(`  peer: ${describe(peer.summaries)}`);
  const fastTokens = scale(context, 6000, 2000);
  const fullSpeedParley = await fullSpeed(context, "parley", fastTokens);
  const fullSpeedPeer = await fullSpeed(context, "peer", fastTokens);
  context.log(
    `  full speed: Parley ${fullSpeedParley.duringAnswer}/${fullSpeedParley.trials} caught up during the answer (p50 ${fullSpeedParley.catchUp.p50} ms), peer ${fullSpeedPeer.duringAnswer}/${fullSpeedPeer.trials} (p50 ${fullSpeedPeer.catchUp.p50} ms)`,
  );
  return {
    rate,
    tokens,
    parley: parley.summaries,
    peer: peer.summaries,
    incomplete: { parley: parley.incomplete, peer: peer.incomplete },
    fullSpeed: { parley: fullSpeedParley, peer: fullSpeedPeer },
  };
}

function describe(summaries: ResumeSummary[]): string {
  return summaries
    .map(
      (summary) =>
        `k=${summary.awayTokens}: ${summary.trials - summary.failed}/${summary.trials} caught up in p50 ${summary.catchUp.p50} ms, bytes ×${summary.bytesRatio.p50}`,
    )
    .join("; ");
}
