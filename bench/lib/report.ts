/**
 * The summary table of a run: one row per measure with Parley, the baseline and the peer side by
 * side (raw values), Parley ÷ baseline where that means something, the goal of issue #9 and
 * whether it was met. Printed to the terminal and kept in the JSON (and as Markdown next to it,
 * ready for docs/benchmarks.md).
 */
import type { ClientResult } from "../figures/client.ts";
import type { FanoutResult } from "../figures/fanout.ts";
import type { ResumeResult } from "../figures/resume.ts";
import type { StorageResult } from "../figures/storage.ts";
import type { ThroughputResult } from "../figures/throughput.ts";
import type { TtftResult } from "../figures/ttft.ts";
import type { MachineInfo } from "./machine.ts";

export interface BenchResults {
  startedAt: string;
  quick: boolean;
  machine: MachineInfo;
  clock: { offsetMs: number; uncertaintyMs: number; offsetAtEndMs?: number };
  durationSeconds?: number;
  /** Load averages when the run ended. */
  loadAverageAtEnd?: number[];
  table?: Row[];
  figures: {
    ttft?: TtftResult;
    fanout?: FanoutResult;
    throughput?: ThroughputResult;
    storage?: StorageResult;
    resume?: ResumeResult;
    client?: ClientResult;
  };
}

export interface Row {
  figure: string;
  measure: string;
  parley: string;
  baseline: string;
  peer: string;
  /** Parley ÷ baseline (or the comparison that applies), as text. */
  ratio: string;
  goal: string;
  /** Whether Parley met the goal; null when there is none. */
  met: boolean | null;
}

const ms = (value: number | undefined, digits = 1) =>
  value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(digits)} ms`;
const num = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value)
    ? "–"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? "–"
    : `×${(a / b).toFixed(2)}`;
const pair = (a: number | undefined, b: number | undefined, digits = 1) =>
  `${a === undefined || !Number.isFinite(a) ? "–" : a.toFixed(digits)} / ${b === undefined || !Number.isFinite(b) ? "–" : b.toFixed(digits)} ms`;

export function buildTable(results: BenchResults): Row[] {
  const rows: Row[] = [];
  const { ttft, fanout, throughput, storage, resume, client } = results.figures;

  if (ttft) {
    const { paths, addedOverPipe, pipeOverDirect } = ttft;
    // A path whose answers came back wrong has no first token to speak of: it meets no goal.
    const wrong = (path: string) => ttft.wrongText?.[path] ?? 0;
    const noted = (path: string, cell: string) =>
      wrong(path) > 0 ? `${cell} (${wrong(path)} wrong texts)` : cell;
    rows.push({
      figure: "1 first token",
      measure: `time to first token p50 / p99 (${ttft.samples} requests each; baseline = pipe worker)`,
      parley: pair(paths.parleyWs?.p50, paths.parleyWs?.p99),
      baseline: pair(paths.pipe?.p50, paths.pipe?.p99),
      peer: pair(paths.peer?.p50, paths.peer?.p99),
      ratio: ratio(paths.parleyWs?.p50, paths.pipe?.p50),
      goal: "",
      met: null,
    });
    rows.push({
      figure: "1 first token",
      measure: "added over the pipe, p50 (paired)",
      parley: noted("parleyWs", ms(addedOverPipe.parleyWs?.p50, 2)),
      baseline: "0",
      peer: ms(addedOverPipe.peer?.p50, 2),
      ratio: "",
      goal: "≤ 1 ms",
      met: wrong("parleyWs") === 0 && (addedOverPipe.parleyWs?.p50 ?? Infinity) <= 1,
    });
    rows.push({
      figure: "1 first token",
      measure: "added over the pipe, p99 (paired)",
      parley: noted("parleyWs", ms(addedOverPipe.parleyWs?.p99, 2)),
      baseline: "0",
      peer: ms(addedOverPipe.peer?.p99, 2),
      ratio: "",
      goal: "≤ 3 ms",
      met: wrong("parleyWs") === 0 && (addedOverPipe.parleyWs?.p99 ?? Infinity) <= 3,
    });
    const split = (path: string) =>
      `${ms(ttft.beforeUpstream[path]?.p50)} + ${ms(ttft.afterUpstream[path]?.p50)}`;
    rows.push({
      figure: "1 first token",
      measure: "p50 split: send → request at the upstream + upstream's first token → client",
      parley: split("parleyWs"),
      baseline: split("pipe"),
      peer: split("peer"),
      ratio: "",
      goal: "",
      met: null,
    });
    rows.push({
      figure: "1 first token",
      measure: "HTTP API (existing chat / new chat), added over the pipe p50",
      parley: `${ms(addedOverPipe.parleyHttp?.p50, 2)} / ${ms(addedOverPipe.parleyHttpNew?.p50, 2)}`,
      baseline: "0",
      peer: "–",
      ratio: "",
      goal: "",
      met: null,
    });
    rows.push({
      figure: "1 first token",
      measure: "compatible API /v1/chat/completions (existing chat), added over the pipe p50 / p99",
      parley: noted("parleyApi", pair(addedOverPipe.parleyApi?.p50, addedOverPipe.parleyApi?.p99, 2)),
      baseline: "0",
      peer: "–",
      ratio: "",
      goal: "p50 ≤ 3 ms",
      met: wrong("parleyApi") === 0 && (addedOverPipe.parleyApi?.p50 ?? Infinity) <= 3,
    });
    rows.push({
      figure: "1 first token",
      measure: "Responses API /v1/responses (existing chat), added over the pipe p50 / p99",
      parley: noted(
        "parleyResponses",
        pair(addedOverPipe.parleyResponses?.p50, addedOverPipe.parleyResponses?.p99, 2),
      ),
      baseline: "0",
      peer: "–",
      ratio: "",
      goal: "p50 ≤ 3 ms",
      met: wrong("parleyResponses") === 0 && (addedOverPipe.parleyResponses?.p50 ?? Infinity) <= 3,
    });
    rows.push({
      figure: "1 first token",
      measure: "the local runtime itself: pipe − direct upstream, p50 / p99",
      parley: "",
      baseline: pair(pipeOverDirect.p50, pipeOverDirect.p99, 2),
      peer: "",
      ratio: `direct p50 ${ms(paths.direct?.p50, 2)}`,
      goal: "",
      met: null,
    });
  }

  if (fanout) {
    for (const series of fanout.series) {
      for (const [index, devices] of fanout.deviceCounts.entries()) {
        const parley = series.systems.parley[index];
        const baseline = series.systems.baseline[index];
        const peer = series.systems.peer[index];
        rows.push({
          figure: "2 fan-out",
          measure: `${series.rate} tok/s, ${devices} device${devices === 1 ? "" : "s"}: delay upstream → device p50 / p99`,
          parley: pair(parley?.delay.p50, parley?.delay.p99),
          baseline: pair(baseline?.delay.p50, baseline?.delay.p99),
          peer: pair(peer?.delay.p50, peer?.delay.p99),
          ratio: ratio(parley?.delay.p99, baseline?.delay.p99),
          goal: devices <= 16 ? "p99 < 5 ms" : "",
          met: devices <= 16 ? (parley?.delay.p99 ?? Infinity) < 5 : null,
        });
      }
      const slopes = series.slopeUsPerDevice;
      rows.push({
        figure: "2 fan-out",
        measure: `${series.rate} tok/s: added delay per extra device (slope of p50 / p99)`,
        parley: `${num(slopes.parley.p50, 1)} / ${num(slopes.parley.p99, 1)} µs`,
        baseline: `${num(slopes.baseline.p50, 1)} / ${num(slopes.baseline.p99, 1)} µs`,
        peer: `${num(slopes.peer.p50, 1)} / ${num(slopes.peer.p99, 1)} µs`,
        ratio: "",
        goal: "< 20 µs",
        met: slopes.parley.p99 < 20 && slopes.parley.p50 < 20,
      });
      const at16 = fanout.deviceCounts.indexOf(16);
      if (at16 >= 0) {
        const p = series.systems.parley[at16];
        const b = series.systems.baseline[at16];
        const q = series.systems.peer[at16];
        rows.push({
          figure: "7 peer",
          measure: `${series.rate} tok/s, 16 devices: frames / KB to each device per 1,000 tokens`,
          parley: `${num(p?.framesPer1000)} / ${num((p?.bytesPer1000 ?? NaN) / 1000, 1)} KB`,
          baseline: `${num(b?.framesPer1000)} / ${num((b?.bytesPer1000 ?? NaN) / 1000, 1)} KB`,
          peer: `${num(q?.framesPer1000)} / ${num((q?.bytesPer1000 ?? NaN) / 1000, 1)} KB`,
          ratio: `peer ÷ Parley bytes ${ratio(q?.bytesPer1000, p?.bytesPer1000)}`,
          goal: "",
          met: null,
        });
      }
    }
  }

  if (throughput) {
    const top = (system: keyof ThroughputResult["ceiling"]) => throughput.ceiling[system];
    const max = (system: keyof ThroughputResult["systems"]) => throughput.systems[system].at(-1);
    rows.push({
      figure: "3 throughput",
      measure: `ceiling with ${throughput.devices} devices: tokens/s (frames/s per device) with p99 ≤ 50 ms`,
      parley: `${num(top("parley")?.deliveredRate)} (${num(top("parley")?.framesPerSecond)})`,
      baseline: `${num(top("baseline")?.deliveredRate)} (${num(top("baseline")?.framesPerSecond)})`,
      peer: `${num(top("peer")?.deliveredRate)} (${num(top("peer")?.framesPerSecond)})`,
      ratio: ratio(top("parley")?.deliveredRate, top("baseline")?.deliveredRate),
      goal: "",
      met: null,
    });
    rows.push({
      figure: "3 throughput",
      measure: "as fast as the upstream writes: tokens/s delivered (upstream's own rate)",
      parley: `${num(max("parley")?.deliveredRate)} (${num(max("parley")?.upstreamRate)})`,
      baseline: `${num(max("baseline")?.deliveredRate)} (${num(max("baseline")?.upstreamRate)})`,
      peer: `${num(max("peer")?.deliveredRate)} (${num(max("peer")?.upstreamRate)})`,
      ratio: ratio(max("parley")?.deliveredRate, max("baseline")?.deliveredRate),
      goal: "",
      met: null,
    });
    rows.push({
      figure: "3 throughput",
      measure: "worker CPU per token at full speed, 16 devices",
      parley: ms(max("parley")?.cpuMsPerToken, 3),
      baseline: ms(max("baseline")?.cpuMsPerToken, 3),
      peer: ms(max("peer")?.cpuMsPerToken, 3),
      ratio: ratio(max("parley")?.cpuMsPerToken, max("baseline")?.cpuMsPerToken),
      goal: "",
      met: null,
    });
  }

  if (storage) {
    for (const [index, parley] of storage.parley.entries()) {
      const peer = storage.peer[index];
      rows.push({
        figure: "4 storage",
        measure: `writes per 1,000 tokens at ${parley.rate} tok/s (DO + D1 statements; rows)`,
        parley: `${num(parley.writesPer1000, 1)} (${num(parley.rowsPer1000)} rows)`,
        baseline: "0",
        peer: `${num(peer?.writesPer1000, 1)} (${num(peer?.rowsPer1000)} rows)`,
        ratio: `peer ÷ Parley ${ratio(peer?.writesPer1000, parley.writesPer1000)}`,
        goal: "≤ 20",
        met: parley.writesPer1000 <= 20,
      });
    }
  }

  if (resume) {
    for (const [index, parley] of resume.parley.entries()) {
      const peer = resume.peer[index];
      rows.push({
        figure: "5 resume",
        measure: `away ${parley.awayTokens} tokens at ${resume.rate} tok/s: caught up p50 / p99 (${parley.trials - parley.failed}/${parley.trials} · peer ${peer ? peer.trials - peer.failed : 0}/${peer?.trials ?? 0})`,
        parley: pair(parley.catchUp.p50, parley.catchUp.p99),
        baseline: "no resume",
        peer: pair(peer?.catchUp.p50, peer?.catchUp.p99),
        ratio: "",
        goal: "p50 < 30 ms",
        met: parley.failed === 0 && parley.catchUp.p50 < 30,
      });
      rows.push({
        figure: "5 resume",
        measure: `away ${parley.awayTokens} tokens: bytes received ÷ bytes missed, p50 (received / missed)`,
        parley: `×${num(parley.bytesRatio.p50, 2)} (${num(parley.receivedBytesP50)} / ${num(parley.missedBytesP50)} B)`,
        baseline: "no resume",
        peer: `×${num(peer?.bytesRatio.p50, 2)} (${num(peer?.receivedBytesP50)} / ${num(peer?.missedBytesP50)} B)`,
        ratio: "",
        goal: "≤ ×1.05",
        met: parley.bytesRatio.p50 <= 1.05,
      });
    }
    const fast = resume.fullSpeed;
    rows.push({
      figure: "5 resume",
      measure: "dropped 200 ms during a full-speed answer: caught up while it still streamed (trials), p50",
      parley: `${fast.parley.duringAnswer}/${fast.parley.trials}, ${ms(fast.parley.catchUp.p50)}`,
      baseline: "no resume",
      peer: `${fast.peer.duringAnswer}/${fast.peer.trials}, ${ms(fast.peer.catchUp.p50)}`,
      ratio: "",
      goal: "",
      met: null,
    });
  }

  if (client) {
    const costs = client.tokenCost
      .map((cost) => `${cost.messages}: ${cost.msPerToken.toFixed(3)}`)
      .join(" · ");
    const at50 = client.tokenCost.find((cost) => cost.messages === 50);
    rows.push({
      figure: "6 client",
      measure: "main-thread ms per streamed token with 1 · 50 · 200 messages in the chat",
      parley: costs,
      baseline: "",
      peer: "",
      ratio: "",
      goal: "≤ 0.3 ms at every size",
      met: at50 ? client.tokenCost.every((cost) => cost.msPerToken <= 0.3) : null,
    });
    rows.push({
      figure: "6 client",
      measure: `longest main-thread task streaming a ${num(client.longestTask.chars)}-character answer with code (tasks > 50 ms)`,
      parley: `${ms(client.longestTask.longestMs)} (${client.longestTask.over50ms})`,
      baseline: "",
      peer: "",
      ratio: "",
      goal: "none over 50 ms",
      met: client.longestTask.over50ms === 0,
    });
    for (const tti of [client.timeToInteractive, client.timeToInteractiveLong]) {
      if (!tti) continue;
      rows.push({
        figure: "6 client",
        measure: `time to interactive opening a ${num(tti.messages)}-message chat, p50 (${tti.trials} trials)`,
        parley: ms(tti.ms.p50, 0),
        baseline: "",
        peer: "",
        ratio: "",
        goal: tti.messages > 200 ? "≤ 250 ms (flat in length)" : "≤ 250 ms",
        met: tti.ms.p50 <= 250,
      });
    }
    const newChat = client.newChat;
    if (newChat) {
      const over = (parley: number, floor: number, added: number) =>
        `${ratio(parley, floor)} (${added < 0 ? "−" : "+"}${Math.abs(added).toFixed(1)} ms)`;
      // One frame at 60 Hz: what "in the same frame" / "within one frame" allows over the floor.
      const frame = 1000 / 60;
      rows.push({
        figure: "6 client",
        measure: `new chat: Enter → own bubble painted p50 / p99 (${newChat.trials} trials; baseline = plain page writing the prompt into a <pre>; the room's echo of it there p50 ${ms(newChat.floor.echo.p50)})`,
        parley: pair(newChat.parley.bubble.p50, newChat.parley.bubble.p99),
        baseline: pair(newChat.floor.bubble.p50, newChat.floor.bubble.p99),
        peer: "",
        ratio: over(newChat.parley.bubble.p50, newChat.floor.bubble.p50, newChat.added.bubble.p50),
        goal: "same frame: ≤ +17 ms p50",
        met: newChat.added.bubble.p50 <= frame,
      });
      rows.push({
        figure: "6 client",
        measure:
          "new chat: Enter → first token painted p50 / p99 (baseline = the plain page opening the room's socket on Enter, frames into the <pre>)",
        parley: pair(newChat.parley.firstToken.p50, newChat.parley.firstToken.p99),
        baseline: pair(newChat.floor.firstToken.p50, newChat.floor.firstToken.p99),
        peer: "",
        ratio: over(
          newChat.parley.firstToken.p50,
          newChat.floor.firstToken.p50,
          newChat.added.firstToken.p50,
        ),
        goal: "within a frame: ≤ +17 ms p50",
        met: newChat.added.firstToken.p50 <= frame,
      });
    }
    rows.push({
      figure: "6 client",
      measure: "initial JS, gzip",
      parley: `${num(client.initialJs.gzipBytes / 1000, 1)} KB`,
      baseline: "",
      peer: "",
      ratio: "",
      goal: "≤ 120 KB",
      met: client.initialJs.gzipBytes <= 120 * 1000,
    });
  }
  return rows;
}

const HEADERS = ["figure", "measure", "Parley", "baseline", "peer", "Parley vs", "goal", "met"];

function cells(row: Row): string[] {
  const met = row.met === null ? "" : row.met ? "yes" : "NO";
  return [row.figure, row.measure, row.parley, row.baseline, row.peer, row.ratio, row.goal, met];
}

export function markdownTable(rows: Row[]): string {
  const escape = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    `| ${HEADERS.join(" | ")} |`,
    `| ${HEADERS.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${cells(row).map(escape).join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

export function printReport(results: BenchResults): void {
  const rows = results.table ?? buildTable(results);
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => (line[column] ?? "").length)));
  const format = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log("");
  console.log(format(HEADERS));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of table.slice(1)) console.log(format(line));
  console.log("");
  const { machine } = results;
  console.log(
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB · Node ${machine.node} · wrangler ${machine.wrangler} · load at start ${machine.loadAverage.join(" ")}, at end ${results.loadAverageAtEnd?.join(" ") ?? "?"} · ${results.durationSeconds ?? "?"} s${results.quick ? " · QUICK MODE (few samples)" : ""}`,
  );
}
