/**
 * A room's view as an external store for React (`useSyncExternalStore`): the current view, plus a
 * "shell" that stays the same object while only streamed text changes, and notifications batched
 * to one per animation frame so a fast stream does not re-render the page for every token.
 */
import type { RoomMessage, RoomState } from "./state.ts";

export type ConnectionState = "connecting" | "connected" | "reconnecting";

export interface RoomView {
  state: RoomState;
  connection: ConnectionState;
  /** The conversation does not exist or belongs to someone else. */
  notFound: boolean;
  /** The share link this room was opened with was revoked or rotated (or access was lost). */
  linkInactive: boolean;
  /**
   * The room turned this socket away: this person has too many open already (close code 4429).
   * The room does not reconnect; the page says to close some tabs and reload.
   */
  tooManyTabs: boolean;
}

/**
 * While only the text of a streaming answer changes, the message list re-renders at most this
 * often (other changes render on the next frame). Every delta is applied at once; this only
 * spaces out the repaints of a fast stream (a render of a long answer costs a few milliseconds).
 */
const STREAM_RENDER_MS = 50;

/** The view without the streamed text: the same object for as long as only that text changes. */
export function sameExceptStreamedText(before: RoomView, after: RoomView): boolean {
  if (
    before.connection !== after.connection ||
    before.notFound !== after.notFound ||
    before.linkInactive !== after.linkInactive ||
    before.tooManyTabs !== after.tooManyTabs
  )
    return false;
  const a = before.state;
  const b = after.state;
  if (
    a.conversationId !== b.conversationId ||
    a.title !== b.title ||
    a.viewers !== b.viewers ||
    a.self !== b.self ||
    a.people !== b.people ||
    a.beforeEdit !== b.beforeEdit ||
    a.synced !== b.synced ||
    a.error !== b.error ||
    a.deleted !== b.deleted ||
    a.messages.length !== b.messages.length
  )
    return false;
  for (let i = 0; i < a.messages.length; i++) {
    const x = a.messages[i]!;
    const y = b.messages[i]!;
    if (x === y) continue;
    if (x.status !== "streaming" || y.status !== "streaming") return false;
    // An answer's first token is news: it paints on the next frame, not after the stream's cadence.
    if ((x.content === "" && y.content !== "") || (!x.reasoning && y.reasoning)) return false;
    for (const key of Object.keys(y) as Array<keyof RoomMessage>) {
      if (key !== "content" && key !== "reasoning" && x[key] !== y[key]) return false;
    }
    if (Object.keys(x).length !== Object.keys(y).length) return false;
  }
  return true;
}

export class RoomViewStore {
  protected view: RoomView;
  /** `view` as of the last change that was more than streamed text (see `getShell`). */
  protected shell: RoomView;
  protected readonly listeners = new Set<() => void>();
  private notifyPending = false;
  /** The pending notification is for streamed text only (it may wait for STREAM_RENDER_MS). */
  private textOnly = true;
  private lastNotify = 0;

  constructor(view: RoomView) {
    this.view = view;
    this.shell = view;
  }

  getView = (): RoomView => this.view;

  /**
   * The view for everything but the message list: unchanged (the same object) while only the text
   * of a streaming answer grows, so the header and the composer do not re-render for each delta.
   * Its messages may hold an older copy of the streaming text; the list reads `getView`.
   */
  getShell = (): RoomView => this.shell;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Tells React at most once per animation frame: a burst of frames (tokens queued up while the
   * tab was busy) becomes one render instead of one each, so a slow device catches up instead of
   * falling further behind. While only streamed text changed, at most every STREAM_RENDER_MS. The
   * timer covers tabs in the background, where frames do not run.
   */
  protected scheduleNotify(textOnly: boolean): void {
    if (this.notifyPending) {
      if (!textOnly && this.textOnly) {
        // Something besides text changed: render on the next frame after all.
        this.textOnly = false;
        this.armNotify(0);
      }
      return;
    }
    this.notifyPending = true;
    this.textOnly = textOnly;
    const wait = textOnly ? Math.max(0, this.lastNotify + STREAM_RENDER_MS - performance.now()) : 0;
    this.armNotify(wait);
  }

  private notifyGeneration = 0;

  private armNotify(wait: number): void {
    const generation = ++this.notifyGeneration;
    const flush = () => {
      if (!this.notifyPending || generation !== this.notifyGeneration) return;
      this.notifyPending = false;
      this.lastNotify = performance.now();
      for (const listener of this.listeners) listener();
    };
    const onFrame = () => {
      if (typeof requestAnimationFrame === "function") requestAnimationFrame(flush);
      setTimeout(flush, 100);
    };
    if (wait > 4) setTimeout(onFrame, wait - 4);
    else onFrame();
  }
}
