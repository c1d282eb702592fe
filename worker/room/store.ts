/**
 * The room's copy of its conversation. The room is the only writer of its messages, so after one
 * read from D1 it answers every later question (a snapshot, a turn's history, a branch switch)
 * from memory, and every write lands here at once and in the outbox (./outbox.ts) for D1.
 * Routes that change the conversation row itself (a rename, a new system prompt, deletion or
 * restore) tell the room, which drops its copy and reads D1 again on next use; writes still
 * queued for D1 are laid over that read so it never goes back in time.
 */
import { byMessage, conversationAttachmentsQuery } from "../db/attachments";
import { conversationQuery, database, messagesQuery } from "../db/queries";
import type { LiveCheckpoint } from "./checkpoint";
import type { Outbox } from "./outbox";
import { applyToState, type ConversationState, type OutboxOp } from "./outbox-ops";

export class RoomStore {
  /** Bumped whenever the visible branch changes, so devices and snapshots can tell. */
  revision = 0;
  private state: ConversationState | null = null;
  private loading: Promise<ConversationState> | null = null;
  /** Bumped by `invalidate`, so a read that started before it is not kept. */
  private epoch = 0;

  constructor(
    readonly outbox: Outbox,
    private readonly conversationId: string,
  ) {}

  /** The conversation as it is now (from memory, or one D1 batch on first use). */
  read(): Promise<ConversationState> {
    if (this.state) return Promise.resolve(this.state);
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /**
   * A conversation that does not exist yet (an API client's first turn, under an id the worker
   * just made up): its copy starts empty, without asking D1.
   */
  startNew(): ConversationState {
    this.state ??= { conversation: undefined, rows: [], files: new Map() };
    return this.state;
  }

  /** The copy in memory, if there is one (never reads). */
  get cached(): ConversationState | null {
    return this.state;
  }

  /** A title D1 already has (written by the title model's conditional update). */
  noteTitle(title: string): void {
    if (this.state?.conversation) this.state.conversation.title = title;
  }

  /** Forgets the copy: the conversation row changed outside the room. */
  invalidate(): void {
    this.state = null;
    this.epoch++;
  }

  /**
   * Records a write: in memory and durably in the outbox now, in D1 when the outbox drains.
   * Returns the drain, which resolves false (and retries later) when D1 fails.
   */
  write(op: OutboxOp): Promise<boolean> {
    this.outbox.enqueue(op);
    if (this.state) applyToState(this.state, op);
    return this.outbox.flush();
  }

  private async load(): Promise<ConversationState> {
    const epoch = this.epoch;
    const db = database(this.outbox.target);
    const [[conversation], rows, fileRows] = await db.batch([
      conversationQuery(db, this.conversationId),
      messagesQuery(db, this.conversationId),
      conversationAttachmentsQuery(db, this.conversationId),
    ]);
    const state: ConversationState = { conversation, rows, files: byMessage(fileRows) };
    // Read after the await: whatever was queued meanwhile is in the list.
    for (const op of this.outbox.pending()) applyToState(state, op);
    if (epoch === this.epoch) this.state = state;
    return state;
  }
}

/**
 * A fresh instance has no answer being written, so a checkpoint entry or a `streaming` message
 * means the previous instance died mid-answer: keep its text and mark it `interrupted`.
 */
export async function recoverInterrupted(store: RoomStore, checkpoint: LiveCheckpoint): Promise<void> {
  const leftovers = await checkpoint.leftovers();
  // An answer's checkpoint entry and its rows are written and removed together, so without an
  // entry there is nothing to recover, and a fresh room need not read D1 to start.
  if (leftovers.length === 0) return;
  const state = await store.read();
  for (const row of state.rows.filter((message) => message.status === "streaming")) {
    const saved = leftovers.find((entry) => entry.messageId === row.id);
    const final = {
      content: saved?.content ?? row.content,
      reasoning: saved?.reasoning ?? row.reasoning,
      status: "interrupted" as const,
      finishReason: "interrupted" as const,
      usage: null,
      error: null,
    };
    void store.write({ kind: "final", messageId: row.id, final, at: Date.now() });
  }
  for (const entry of leftovers) checkpoint.remove(entry.messageId);
}
