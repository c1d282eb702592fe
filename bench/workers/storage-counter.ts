/**
 * Counts storage writes inside a benchmark worker (never part of Parley's own worker): every SQL
 * statement that changes a Durable Object's SQLite storage, every KV-style `put`/`delete` and
 * alarm set, and every D1 statement that writes. The counts live in module memory (one isolate
 * holds a local worker and its Durable Objects) and are served by `GET /__bench/storage`.
 *
 * It works by wrapping the methods on the runtime's own prototypes the first time a Durable
 * Object or a D1 binding is seen, so the code under test runs unchanged.
 */

import type { StorageCounts, WriteCounts } from "./counts.ts";

export type { StorageCounts, WriteCounts };

/** The latest write statements, oldest first (`GET /__bench/storage?log=1`), for a breakdown. */
const LOG_SIZE = 2_000;
const writeLog: string[] = [];
let logged = 0;

function note(where: string, sql: string): void {
  writeLog.push(`${where}: ${sql.replace(/\s+/g, " ").trim().slice(0, 90)}`);
  logged++;
  if (writeLog.length > LOG_SIZE) writeLog.shift();
}

const counts: Omit<StorageCounts, "logged" | "log"> = {
  durableObjects: {},
  d1: { statements: 0, rows: 0, batches: 0 },
  reads: { durableObjects: 0, d1: 0 },
};

const READ_ONLY = /^\s*(select|pragma|explain|with\s[\s\S]*?\)\s*select)\b/i;
/** Bookkeeping of the local runtime (miniflare names each object in its storage); not Cloudflare's. */
const LOCAL_ONLY = /__miniflare_/;

/** Whether a SQL text changes anything (a statement that only reads does not). */
export function isWrite(sql: string): boolean {
  return !READ_ONLY.test(sql);
}

function bucket(className: string): WriteCounts {
  let entry = counts.durableObjects[className];
  if (!entry) {
    entry = { statements: 0, rows: 0 };
    counts.durableObjects[className] = entry;
  }
  return entry;
}

/** Which Durable Object class a storage object belongs to. */
const owners = new WeakMap<object, string>();
const patched = new WeakSet<object>();

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function wrapMethod(target: object, name: string, wrap: (original: AnyFunction) => AnyFunction): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== "function") return;
  Object.defineProperty(target, name, {
    value: wrap(original as AnyFunction),
    configurable: true,
    writable: true,
  });
}

function ownerOf(storage: unknown): string {
  return (typeof storage === "object" && storage !== null && owners.get(storage)) || "unknown";
}

/** Call from a Durable Object's constructor (before `super`) to count its storage writes. */
export function countDurableObjectStorage(ctx: DurableObjectState, className: string): void {
  const storage = ctx.storage;
  const sql = storage.sql;
  owners.set(storage, className);
  owners.set(sql, className);
  const sqlProto = Object.getPrototypeOf(sql) as object;
  if (!patched.has(sqlProto)) {
    patched.add(sqlProto);
    wrapMethod(
      sqlProto,
      "exec",
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const cursor = original.apply(this, args) as { rowsWritten?: number };
          const text = typeof args[0] === "string" ? args[0] : "";
          if (LOCAL_ONLY.test(text)) return cursor;
          if (isWrite(text)) {
            const owner = ownerOf(this);
            const entry = bucket(owner);
            note(owner, text);
            entry.statements++;
            entry.rows += cursor.rowsWritten ?? 0;
          } else {
            counts.reads.durableObjects++;
          }
          return cursor;
        },
    );
  }
  const storageProto = Object.getPrototypeOf(storage) as object;
  if (!patched.has(storageProto)) {
    patched.add(storageProto);
    for (const name of ["put", "delete", "deleteAll", "setAlarm", "deleteAlarm"]) {
      wrapMethod(
        storageProto,
        name,
        (original) =>
          function (this: unknown, ...args: unknown[]) {
            const owner = ownerOf(this);
            const entry = bucket(owner);
            note(owner, `storage.${name}()`);
            entry.statements++;
            // `put({a, b})` writes one row per key.
            const first = args[0];
            entry.rows +=
              name === "put" && typeof first === "object" && first !== null
                ? Object.keys(first).length
                : Array.isArray(first)
                  ? first.length
                  : 1;
            return original.apply(this, args);
          },
      );
    }
  }
}

interface D1Meta {
  rows_written?: number;
}

function rowsWritten(result: unknown): number {
  const meta = (result as { meta?: D1Meta } | null)?.meta;
  return meta?.rows_written ?? 0;
}

/** SQL text of a prepared statement, remembered when it was prepared or bound. */
const statementSql = new WeakMap<object, string>();

/** Call with a D1 binding (from any `env`) to count the statements that write through it. */
export function countD1(db: D1Database): void {
  const dbProto = Object.getPrototypeOf(db) as object;
  if (patched.has(dbProto)) return;
  patched.add(dbProto);
  let statementProto: object | undefined;
  const patchStatement = (statement: object): void => {
    const proto = Object.getPrototypeOf(statement) as object;
    if (statementProto === proto) return;
    statementProto = proto;
    wrapMethod(
      proto,
      "bind",
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const bound = original.apply(this, args) as object;
          const sql = statementSql.get(this as object);
          if (sql !== undefined) statementSql.set(bound, sql);
          return bound;
        },
    );
    for (const name of ["run", "all", "raw", "first"]) {
      wrapMethod(
        proto,
        name,
        (original) =>
          async function (this: unknown, ...args: unknown[]) {
            const result = await (original.apply(this, args) as Promise<unknown>);
            const sql = statementSql.get(this as object) ?? "";
            if (isWrite(sql)) {
              note("D1", sql);
              counts.d1.statements++;
              counts.d1.rows += rowsWritten(result);
            } else {
              counts.reads.d1++;
            }
            return result;
          },
      );
    }
  };
  wrapMethod(
    dbProto,
    "prepare",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const statement = original.apply(this, args) as object;
        statementSql.set(statement, typeof args[0] === "string" ? args[0] : "");
        patchStatement(statement);
        return statement;
      },
  );
  wrapMethod(
    dbProto,
    "batch",
    (original) =>
      async function (this: unknown, ...args: unknown[]) {
        const statements = (Array.isArray(args[0]) ? args[0] : []) as object[];
        const results = (await (original.apply(this, args) as Promise<unknown[]>)) ?? [];
        counts.d1.batches++;
        statements.forEach((statement, index) => {
          const sql = statementSql.get(statement) ?? "";
          if (isWrite(sql)) {
            note("D1 batch", sql);
            counts.d1.statements++;
            counts.d1.rows += rowsWritten(results[index]);
          } else {
            counts.reads.d1++;
          }
        });
        return results;
      },
  );
}

export function storageCounts(): StorageCounts {
  return { ...structuredClone(counts), logged };
}

/**
 * Answers `GET /__bench/storage` with the counts so far (and, with `?since=N`, the write
 * statements logged after the N-th), or returns null for any other request.
 */
export function benchStorageRoute(request: Request): Response | null {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.pathname !== "/__bench/storage") return null;
  const since = Number(url.searchParams.get("since") ?? Number.NaN);
  if (!Number.isInteger(since)) return Response.json(storageCounts());
  const available = Math.min(writeLog.length, Math.max(0, logged - since));
  return Response.json({ ...storageCounts(), log: writeLog.slice(writeLog.length - available) });
}
