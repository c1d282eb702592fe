/**
 * "N devices watch one answer" for each system, shared by the fan-out, throughput and storage
 * figures. A session connects its devices once; `stream()` runs one answer of `tokens` tokens at
 * `rate` tokens per second and returns what every device received, with the upstream's per-token
 * write times.
 *
 * - Parley: N room sockets of one guest in one conversation; device 0 sends the prompt.
 * - peer: N sockets to one AIChatAgent; device 0 sends the chat request.
 * - baseline: a pipe cannot share an answer, so each device makes its own request through the
 *   pipe worker (N upstream streams with the same token schedule).
 */
import { benchText } from "../../tests/fake-upstream/bench-texts.ts";
import { ParleyGuest, PeerWatcher, type ParleyWatcher } from "./clients.ts";
import { streamCompletion } from "./openai-clients.ts";
import { agentName, type BenchContext, type SystemName } from "./context.ts";
import { runtimeCpu, sleep, type RuntimeCpu, type Service } from "./processes.ts";
import { benchMarker, newTag, type Arrival, type StreamTimings } from "./upstream.ts";

export interface DeviceResult {
  arrivals: Arrival[];
  text: string;
  /** Frames (or network reads) and bytes received during the answer. */
  frames: number;
  bytes: number;
  timings: StreamTimings;
}

export interface AnswerResult {
  devices: DeviceResult[];
  /** CPU time of the workerd running the system's worker during the answer, ms. */
  cpuMs: number;
  /** CPU time of wrangler's local proxy workerd in front of it, ms (no such hop in production). */
  proxyCpuMs: number;
  /** Devices whose text differs from what the upstream sent. */
  wrongText: number;
  /** Resume requests Parley devices had to send (gaps in the offsets). */
  gaps: number;
}

export interface Session {
  system: SystemName;
  devices: number;
  stream(tokens: number, rate: number): Promise<AnswerResult>;
  close(): Promise<void>;
}

async function inBatches<T>(count: number, batch: number, open: (index: number) => Promise<T>): Promise<T[]> {
  const opened: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    opened.push(...(await Promise.all(Array.from({ length: size }, (_, offset) => open(start + offset)))));
  }
  return opened;
}

function cpuSince(service: Service, before: RuntimeCpu): RuntimeCpu {
  const after = runtimeCpu(service);
  return { worker: after.worker - before.worker, proxy: after.proxy - before.proxy };
}

function serviceOf(context: BenchContext, system: SystemName): Service {
  return context[system];
}

export async function openSession(
  context: BenchContext,
  system: SystemName,
  devices: number,
): Promise<Session> {
  if (system === "parley") return parleySession(context, devices);
  if (system === "peer") return peerSession(context, devices);
  return baselineSession(context, devices);
}

async function parleySession(context: BenchContext, devices: number): Promise<Session> {
  const guest = await ParleyGuest.create(context.parley.url);
  const conversationId = await guest.createConversation();
  const watchers: ParleyWatcher[] = await inBatches(devices, 8, () => guest.connect(conversationId));
  const service = serviceOf(context, "parley");
  const answer = async (tokens: number, rate: number, tag: string) => {
    for (const watcher of watchers) watcher.reset();
    const cpuBefore = runtimeCpu(service);
    watchers[0]!.sendPrompt(`Benchmark ${benchMarker(tokens, rate, tag)}`);
    await Promise.all(watchers.map((watcher) => watcher.whenDone(300_000)));
    return cpuSince(service, cpuBefore);
  };
  // Warm-up: the first answer of a conversation also asks the title model for a title.
  await answer(20, 0, newTag("warm"));
  await sleep(500);
  return {
    system: "parley",
    devices,
    async stream(tokens, rate) {
      const tag = newTag("parley");
      const cpu = await answer(tokens, rate, tag);
      const timings = await context.upstream.timings(tag);
      const expected = benchText(tokens);
      return {
        devices: watchers.map((watcher) => ({
          arrivals: watcher.arrivals,
          text: watcher.text,
          frames: watcher.frames,
          bytes: watcher.bytes,
          timings,
        })),
        cpuMs: cpu.worker,
        proxyCpuMs: cpu.proxy,
        wrongText: watchers.filter((watcher) => watcher.text !== expected).length,
        gaps: watchers.reduce((sum, watcher) => sum + watcher.gaps, 0),
      };
    },
    async close() {
      await Promise.all(watchers.map((watcher) => watcher.close()));
    },
  };
}

async function peerSession(context: BenchContext, devices: number): Promise<Session> {
  const name = agentName("fanout");
  const watchers: PeerWatcher[] = await inBatches(devices, 8, () => PeerWatcher.open(context.peer.url, name));
  const service = serviceOf(context, "peer");
  const answer = async (tokens: number, rate: number, tag: string) => {
    for (const watcher of watchers) watcher.reset();
    const cpuBefore = runtimeCpu(service);
    watchers[0]!.sendPrompt(`Benchmark ${benchMarker(tokens, rate, tag)}`);
    await Promise.all(watchers.map((watcher) => watcher.whenDone(300_000)));
    watchers[0]!.rememberAnswer();
    return cpuSince(service, cpuBefore);
  };
  await answer(20, 0, newTag("warm"));
  await sleep(300);
  return {
    system: "peer",
    devices,
    async stream(tokens, rate) {
      const tag = newTag("peer");
      const cpu = await answer(tokens, rate, tag);
      const timings = await context.upstream.timings(tag);
      const expected = benchText(tokens);
      return {
        devices: watchers.map((watcher) => ({
          arrivals: watcher.arrivals,
          text: watcher.text,
          frames: watcher.frames,
          bytes: watcher.bytes,
          timings,
        })),
        cpuMs: cpu.worker,
        proxyCpuMs: cpu.proxy,
        wrongText: watchers.filter((watcher) => watcher.text !== expected).length,
        gaps: 0,
      };
    },
    async close() {
      await Promise.all(watchers.map((watcher) => watcher.close()));
    },
  };
}

async function baselineSession(context: BenchContext, devices: number): Promise<Session> {
  const service = serviceOf(context, "baseline");
  await streamCompletion(context.baseline.url, `Warm-up ${benchMarker(20, 0, newTag("warm"))}`);
  return {
    system: "baseline",
    devices,
    async stream(tokens, rate) {
      const tags = Array.from({ length: devices }, () => newTag("pipe"));
      const cpuBefore = runtimeCpu(service);
      const results = await Promise.all(
        tags.map((tag) =>
          streamCompletion(context.baseline.url, `Benchmark ${benchMarker(tokens, rate, tag)}`),
        ),
      );
      const cpu = cpuSince(service, cpuBefore);
      const expected = benchText(tokens);
      const deviceResults: DeviceResult[] = [];
      for (const [index, result] of results.entries()) {
        deviceResults.push({
          arrivals: result.arrivals,
          text: result.text,
          frames: result.reads,
          bytes: result.bytes,
          timings: await context.upstream.timings(tags[index]!),
        });
      }
      return {
        devices: deviceResults,
        cpuMs: cpu.worker,
        proxyCpuMs: cpu.proxy,
        wrongText: results.filter((result) => result.text !== expected).length,
        gaps: 0,
      };
    },
    async close() {},
  };
}
