/**
 * Crash safety for the message being generated. Its partial text lives in one entry of the room's
 * own storage, rewritten at most every two seconds (never an entry per chunk). When the room
 * starts and finds an entry, the generation that wrote it is gone (deploy, eviction, crash): the
 * room finalizes that message as `interrupted` with the text it had.
 *
 * The entry is created with a confirmed write before D1 learns of the message. The rewrites
 * that follow do not hold back the room's outgoing frames until they reach disk
 * (`allowUnconfirmed`): a checkpoint is a best-effort copy anyway, and waiting for it every
 * two seconds would make every device's next token late by a disk flush.
 */
export interface CheckpointRow {
  messageId: string;
  content: string;
  reasoning: string;
}

const PREFIX = "live:";

/**
 * How often the text of a running answer is rewritten. A room that dies mid-answer (a deploy, an
 * eviction) keeps the text up to its last checkpoint, and Continue writes the rest; every two
 * seconds keeps a slow answer (50 tokens a second) near 20 storage writes per 1,000 tokens.
 */
export const CHECKPOINT_EVERY_MS = 2_000;

interface Stored {
  content: string;
  reasoning: string;
  updatedAt: number;
}

export class LiveCheckpoint {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: (() => CheckpointRow) | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly intervalMs = CHECKPOINT_EVERY_MS,
  ) {}

  /** Entries left behind by generations that did not finish. */
  async leftovers(): Promise<CheckpointRow[]> {
    const rows: CheckpointRow[] = [];
    for (const [key, value] of await this.storage.list<Stored>({ prefix: PREFIX })) {
      rows.push({ messageId: key.slice(PREFIX.length), content: value.content, reasoning: value.reasoning });
    }
    return rows;
  }

  /** Starts tracking a generation; `read` returns its current text when a checkpoint is due. */
  begin(messageId: string, read: () => CheckpointRow): void {
    void this.storage.put<Stored>(PREFIX + messageId, { content: "", reasoning: "", updatedAt: Date.now() });
    this.current = read;
  }

  /** Notes that the text changed; the entry is rewritten at most once per interval. */
  touched(): void {
    if (this.timer !== undefined || !this.current) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.intervalMs);
  }

  /** Removes the entry once the message is safely in D1. */
  end(messageId: string): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
    this.remove(messageId);
  }

  remove(messageId: string): void {
    void this.storage.delete(PREFIX + messageId);
  }

  private write(): void {
    if (!this.current) return;
    const row = this.current();
    void this.storage.put<Stored>(
      PREFIX + row.messageId,
      { content: row.content, reasoning: row.reasoning, updatedAt: Date.now() },
      { allowUnconfirmed: true },
    );
  }
}
