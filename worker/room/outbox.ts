/**
 * The room's outbox to D1. A room writes its conversation into its own SQLite first: the write
 * is synchronous, inside the output gate, and durable before any frame that depends on it leaves
 * the object. D1 gets the same writes from this queue, in order, in one batch per round trip.
 * A write leaves the queue only after D1 committed it, and every operation is idempotent, so a
 * retry after a lost answer is harmless: each row reaches D1 exactly once in effect.
 *
 * When D1 is down or slow, answers keep streaming; the queue retries with backoff (in memory, and
 * through the room's alarm should the object be evicted meanwhile). docs/decisions/0003-room-storage-first.md explains
 * what is durable where.
 */
import { drizzle } from "drizzle-orm/d1";
import type { BatchItem } from "drizzle-orm/batch";
import { logError } from "../observability/log";
import { d1Statements, type OutboxOp } from "./outbox-ops";

/** Operations per D1 batch when a backlog drains. */
const OPS_PER_BATCH = 50;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;

export class Outbox {
  /** Where the writes go: the D1 binding (a field so a test can stand a failing one in). */
  target: D1Database;
  private running: Promise<boolean> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  /** The table is made by the first write, so a room that never writes stores nothing at all. */
  private hasTable: boolean;

  constructor(
    private readonly storage: DurableObjectStorage,
    d1: D1Database,
    private readonly room: string,
    /** Called after a failed round, with the time the next try is due (to set an alarm). */
    private readonly onBacklog: (retryAt: number) => void,
  ) {
    this.target = d1;
    this.hasTable =
      storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").toArray()
        .length > 0;
  }

  /** Queues a write; it is durable in the room's SQLite when this returns. */
  enqueue(op: OutboxOp): void {
    if (!this.hasTable) {
      this.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL)",
      );
      this.hasTable = true;
    }
    this.storage.sql.exec("INSERT INTO outbox (op) VALUES (?)", JSON.stringify(op));
  }

  /** Writes not yet in D1, oldest first. */
  pending(): OutboxOp[] {
    return this.rows(Number.MAX_SAFE_INTEGER).map((row) => row.op);
  }

  get size(): number {
    if (!this.hasTable) return 0;
    return this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
  }

  /**
   * Sends everything queued to D1. Resolves true once the queue is empty, false when D1 failed
   * (a retry is already scheduled). Concurrent callers share one run.
   */
  flush(): Promise<boolean> {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<boolean> {
    for (;;) {
      const batch = this.rows(OPS_PER_BATCH);
      if (batch.length === 0) {
        this.failures = 0;
        return true;
      }
      const db = drizzle(this.target);
      const statements = batch.flatMap((row) => d1Statements(db, row.op));
      try {
        if (statements.length > 0)
          await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
      } catch (cause) {
        this.failures++;
        const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
        logError("outbox_failed", { room: this.room, pending: this.size, attempt: this.failures, cause });
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => void this.flush(), delay);
        this.onBacklog(Date.now() + delay);
        return false;
      }
      const last = batch.at(-1)!.seq;
      this.storage.sql.exec("DELETE FROM outbox WHERE seq <= ?", last);
    }
  }

  private rows(limit: number): Array<{ seq: number; op: OutboxOp }> {
    if (!this.hasTable) return [];
    return this.storage.sql
      .exec<{ seq: number; op: string }>("SELECT seq, op FROM outbox ORDER BY seq LIMIT ?", limit)
      .toArray()
      .map((row) => ({
        seq: row.seq,
        // Written by `enqueue` above, never by anything outside this object.
        op: JSON.parse(row.op) as OutboxOp,
      }));
  }
}
