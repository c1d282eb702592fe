/**
 * `npm run bench`: Parley against the zero-feature baseline and the peer (AIChatAgent), in one
 * run on this machine. Starts the fake upstream and three workers under `wrangler dev` (local
 * workerd, temporary state), measures figures 1–7 of issue #9, prints a table and writes
 * bench/results/latest.json. docs/benchmarks.md explains every number.
 *
 * Options (environment): BENCH_FIGURES=1,2,… runs only those figures; BENCH_QUICK=1 takes far
 * fewer samples (to try the harness); BENCH_OUT=<file> writes the JSON elsewhere.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { measureClient } from "./figures/client.ts";
import { measureFanout } from "./figures/fanout.ts";
import { measureResume } from "./figures/resume.ts";
import { measureStorage } from "./figures/storage.ts";
import { measureThroughput } from "./figures/throughput.ts";
import { measureTtft } from "./figures/ttft.ts";
import type { BenchContext } from "./lib/context.ts";
import { machineInfo } from "./lib/machine.ts";
import { repoRoot, startFakeUpstream, type Service } from "./lib/processes.ts";
import { buildTable, markdownTable, printReport, type BenchResults } from "./lib/report.ts";
import { buildSpa, prepareBaseline, prepareParley, preparePeer, serve } from "./lib/servers.ts";
import { Upstream } from "./lib/upstream.ts";

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[bench ${elapsed()}] ${message}`);

const figures = new Set(
  (process.env.BENCH_FIGURES ?? "1,2,3,4,5,6,7")
    .split(",")
    .map((value) => Number(value.trim()))
    .filter((value) => value >= 1 && value <= 7),
);
const quick = process.env.BENCH_QUICK === "1";
const outFile = path.resolve(repoRoot, process.env.BENCH_OUT ?? "bench/results/latest.json");

const workDir = mkdtempSync(path.join(os.tmpdir(), "parley-bench-"));
const services: Service[] = [];

async function stopAll(): Promise<void> {
  await Promise.all(services.map((service) => service.stop()));
  rmSync(workDir, { recursive: true, force: true });
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping everything started`);
    void stopAll().then(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  log(`work dir ${workDir}${quick ? " (quick mode: few samples)" : ""}`);
  const upstreamService = await startFakeUpstream();
  services.push(upstreamService);
  log(`fake upstream on ${upstreamService.url}; building the SPA and bundling the three workers`);
  const spaDir = path.join(workDir, "build");
  const [parleyWorker, baselineWorker, peerWorker] = await Promise.all([
    buildSpa(spaDir).then((assetsDir) => prepareParley(workDir, assetsDir, upstreamService.url)),
    prepareBaseline(workDir, upstreamService.url),
    preparePeer(workDir, upstreamService.url),
  ]);
  const assetsDir = path.join(spaDir, "client");
  log("starting Parley, the baseline and the peer under wrangler dev");
  const track = (service: Service) => {
    services.push(service);
    return service;
  };
  const [parley, baseline, peer] = await Promise.all([
    serve(parleyWorker).then(track),
    serve(baselineWorker).then(track),
    serve(peerWorker).then(track),
  ]);
  log(`parley ${parley.url} · baseline ${baseline.url} · peer ${peer.url}`);
  const upstream = new Upstream(upstreamService.url);
  await upstream.syncClock();
  log(
    `clock offset to the upstream ${upstream.offset.toFixed(3)} ms (± ${upstream.offsetError.toFixed(3)} ms)`,
  );

  const context: BenchContext = { upstream, upstreamService, parley, baseline, peer, assetsDir, quick, log };
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    quick,
    machine: machineInfo(),
    clock: { offsetMs: upstream.offset, uncertaintyMs: upstream.offsetError },
    figures: {},
  };

  if (figures.has(1)) {
    log("figure 1: added time to first token");
    results.figures.ttft = await measureTtft(context);
  }
  if (figures.has(2) || figures.has(7)) {
    log("figure 2: fan-out to 1, 4, 16 and 64 devices");
    results.figures.fanout = await measureFanout(context);
  }
  if (figures.has(3)) {
    log("figure 3: throughput ceiling of one room with 16 devices");
    results.figures.throughput = await measureThroughput(context);
  }
  if (figures.has(4) || figures.has(7)) {
    log("figure 4: storage writes per 1,000 tokens");
    results.figures.storage = await measureStorage(context);
  }
  if (figures.has(5) || figures.has(7)) {
    log("figure 5: resume after a disconnect");
    results.figures.resume = await measureResume(context);
  }
  if (figures.has(6)) {
    log("figure 6: client rendering in Chromium");
    results.figures.client = await measureClient(context);
  }
  await upstream.syncClock(20);
  results.clock.offsetAtEndMs = upstream.offset;
  results.durationSeconds = Math.round((performance.now() - started) / 1000);
  results.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  results.table = buildTable(results);

  printReport(results);
  mkdirSync(path.dirname(outFile), { recursive: true });
  // Written the way the repository's Prettier config formats them, so `format:check` stays clean.
  const options = (await prettier.resolveConfig(outFile)) ?? {};
  writeFileSync(outFile, await prettier.format(JSON.stringify(results), { ...options, parser: "json" }));
  const markdownFile = outFile.replace(/\.json$/, "") + ".md";
  writeFileSync(
    markdownFile,
    await prettier.format(markdownTable(results.table), { ...options, parser: "markdown" }),
  );
  log(`wrote ${path.relative(repoRoot, outFile)} and ${path.relative(repoRoot, markdownFile)}`);
}

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error(error);
    for (const service of services) {
      console.error(`--- last output of ${service.name} ---\n${service.logs().slice(-3_000)}`);
    }
    process.exitCode = 1;
  }
} finally {
  if (!interrupted) {
    log("stopping everything started");
    await stopAll();
  }
}
