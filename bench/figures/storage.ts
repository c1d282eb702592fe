/**
 * Figure 4: storage writes per 1,000 streamed tokens. One 1,000-token answer in a conversation
 * that already has a turn (so table creation and the first-turn title are not counted), watched
 * by one device, at 50 and at 200 tokens/s (Parley's checkpoint is time-based, so the rate
 * matters). Counted inside each worker by bench/workers/storage-counter.ts: statements that
 * write to any Durable Object's storage (SQL, KV puts/deletes, alarms) and D1 statements that
 * write, with the rows the engines report. Parley and the peer run side by side (the counts are
 * exact whatever the load); the baseline stores nothing.
 */
import type { StorageCounts, WriteCounts } from "../workers/counts.ts";
import { scale, type BenchContext } from "../lib/context.ts";
import { sleep } from "../lib/processes.ts";
import { openSession } from "../lib/sessions.ts";

export interface StorageTurn {
  rate: number;
  tokens: number;
  /** Write statements per 1,000 tokens (Durable Objects + D1). */
  writesPer1000: number;
  rowsPer1000: number;
  durableObjects: Record<string, WriteCounts>;
  d1: WriteCounts & { batches: number };
  /** Statements that only read, during the turn. */
  reads: { durableObjects: number; d1: number };
  wrongText: number;
  /** The turn's writes grouped by where and what (the start of the statement) → how many. */
  breakdown: Record<string, number>;
}

export interface StorageResult {
  parley: StorageTurn[];
  peer: StorageTurn[];
  baseline: { writesPer1000: 0 };
}

async function counts(url: string, since?: number): Promise<StorageCounts> {
  const response = await fetch(`${url}/__bench/storage${since === undefined ? "" : `?since=${since}`}`);
  if (!response.ok) throw new Error(`write counter: ${response.status}`);
  return (await response.json()) as StorageCounts;
}

function difference(
  before: StorageCounts,
  after: StorageCounts,
): Omit<StorageTurn, "rate" | "tokens" | "wrongText" | "breakdown"> {
  const durableObjects: Record<string, WriteCounts> = {};
  let statements = 0;
  let rows = 0;
  for (const [name, value] of Object.entries(after.durableObjects)) {
    const earlier = before.durableObjects[name] ?? { statements: 0, rows: 0 };
    const delta = { statements: value.statements - earlier.statements, rows: value.rows - earlier.rows };
    if (delta.statements === 0 && delta.rows === 0) continue;
    durableObjects[name] = delta;
    statements += delta.statements;
    rows += delta.rows;
  }
  const d1 = {
    statements: after.d1.statements - before.d1.statements,
    rows: after.d1.rows - before.d1.rows,
    batches: after.d1.batches - before.d1.batches,
  };
  return {
    writesPer1000: statements + d1.statements,
    rowsPer1000: rows + d1.rows,
    durableObjects,
    d1,
    reads: {
      durableObjects: after.reads.durableObjects - before.reads.durableObjects,
      d1: after.reads.d1 - before.reads.d1,
    },
  };
}

/** "Room: UPDATE live_message SET …" lines → how often each kind occurred, most frequent first. */
function group(log: string[]): Record<string, number> {
  const counted = new Map<string, number>();
  for (const line of log) {
    const key = line.replace(/\d+/g, "N").slice(0, 72);
    counted.set(key, (counted.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counted].sort((a, b) => b[1] - a[1]));
}

async function countedTurn(
  context: BenchContext,
  system: "parley" | "peer",
  rate: number,
  tokens: number,
): Promise<StorageTurn> {
  const url = context[system].url;
  const session = await openSession(context, system, 1);
  try {
    await sleep(1_500);
    const before = await counts(url);
    const answer = await session.stream(tokens, rate);
    // Writes that follow the last frame (final message, checkpoint removal) are part of the turn.
    await sleep(1_500);
    const after = await counts(url, before.logged);
    const delta = difference(before, after);
    const per1000 = (value: number) => Math.round((value / tokens) * 1000 * 10) / 10;
    return {
      rate,
      tokens,
      ...delta,
      writesPer1000: per1000(delta.writesPer1000),
      rowsPer1000: per1000(delta.rowsPer1000),
      wrongText: answer.wrongText,
      breakdown: group(after.log ?? []),
    };
  } finally {
    await session.close();
  }
}

export async function measureStorage(context: BenchContext): Promise<StorageResult> {
  const tokens = scale(context, 1000, 200);
  const result: StorageResult = { parley: [], peer: [], baseline: { writesPer1000: 0 } };
  for (const rate of [50, 200]) {
    const [parley, peer] = await Promise.all([
      countedTurn(context, "parley", rate, tokens),
      countedTurn(context, "peer", rate, tokens),
    ]);
    result.parley.push(parley);
    result.peer.push(peer);
    context.log(
      `  ${rate} tok/s: Parley ${parley.writesPer1000} writes (${parley.rowsPer1000} rows), peer ${peer.writesPer1000} writes (${peer.rowsPer1000} rows) per 1,000 tokens`,
    );
  }
  return result;
}
