/**
 * Paging for the admin lists, newest first: a cursor is the `createdAt` and id of the last row
 * shown (`1767225600000.3f2a…`), so a page never repeats or skips a row that shares a timestamp.
 */
import { z } from "zod";

export interface Cursor {
  createdAt: number;
  id: string;
}

export function encodeCursor(row: Cursor): string {
  return `${row.createdAt}.${row.id}`;
}

/** A `cursor` query parameter: `<epoch ms>.<id>`. */
export const cursorSchema = z
  .string()
  .regex(/^\d{1,15}\.[\w-]{1,100}$/, "not a cursor this API returned")
  .transform((value): Cursor => {
    const dot = value.indexOf(".");
    return { createdAt: Number(value.slice(0, dot)), id: value.slice(dot + 1) };
  });

/** The cursor of the page after `rows`, or null when this page was the last. */
export function nextCursor<T extends Cursor>(rows: T[], limit: number): string | null {
  const last = rows.at(-1);
  return rows.length === limit && last ? encodeCursor(last) : null;
}
