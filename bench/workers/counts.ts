/** What bench/workers/storage-counter.ts reports (shared with the benchmark client). */
export interface WriteCounts {
  /** Statements that write (INSERT, UPDATE, DELETE, REPLACE, CREATE, …). */
  statements: number;
  /** Rows the storage engine reports as written, where it reports them. */
  rows: number;
}

export interface StorageCounts {
  /** Durable Object storage, per class name. */
  durableObjects: Record<string, WriteCounts>;
  d1: WriteCounts & { batches: number };
  /** Reads, for context (statements that only read). */
  reads: { durableObjects: number; d1: number };
  /** Write statements logged so far (see `?since=`). */
  logged: number;
  /** With `?since=N`: the writes logged after the N-th. */
  log?: string[];
}
