/**
 * Crash safety for the message being generated. Its partial text lives in one row of the room's
 * own SQLite storage, updated at most about once a second (never a row per chunk). When the room
 * starts and finds a row, the generation that wrote it is gone (deploy, eviction, crash): the
 * room finalizes that message as `interrupted` with the text it had.
 */
export interface CheckpointRow {
  messageId: string;
  content: string;
  reasoning: string;
}

export class LiveCheckpoint {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: (() => CheckpointRow) | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly intervalMs = 1_000,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS live_message (
      message_id TEXT PRIMARY KEY,
      content TEXT NOT NULL,
      reasoning TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
  }

  /** Rows left behind by generations that did not finish. */
  leftovers(): CheckpointRow[] {
    return this.sql
      .exec<{ message_id: string; content: string; reasoning: string }>(
        "SELECT message_id, content, reasoning FROM live_message",
      )
      .toArray()
      .map((row) => ({ messageId: row.message_id, content: row.content, reasoning: row.reasoning }));
  }

  /** Starts tracking a generation; `read` returns its current text when a checkpoint is due. */
  begin(messageId: string, read: () => CheckpointRow): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO live_message (message_id, content, reasoning, updated_at) VALUES (?, '', '', ?)",
      messageId,
      Date.now(),
    );
    this.current = read;
  }

  /** Notes that the text changed; the row is rewritten at most once per interval. */
  touched(): void {
    if (this.timer !== undefined || !this.current) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.intervalMs);
  }

  /** Removes the row once the message is safely in D1. */
  end(messageId: string): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
    this.remove(messageId);
  }

  remove(messageId: string): void {
    this.sql.exec("DELETE FROM live_message WHERE message_id = ?", messageId);
  }

  private write(): void {
    if (!this.current) return;
    const row = this.current();
    this.sql.exec(
      "UPDATE live_message SET content = ?, reasoning = ?, updated_at = ? WHERE message_id = ?",
      row.content,
      row.reasoning,
      Date.now(),
      row.messageId,
    );
  }
}
