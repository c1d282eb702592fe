/**
 * Turns a stream of small provider chunks into few WebSocket frames. The first chunk after a
 * quiet spell goes out on the next tick (so a slow stream loses no latency); while tokens pour in,
 * frames leave at most every `intervalMs`, or at once when a frame grows past `maxFrameChars`.
 * A thousand-token burst becomes a few dozen frames instead of a thousand.
 *
 * Every frame names the offsets of its first text and reasoning character, so a receiver can
 * tell whether it missed something (see docs/protocol.md).
 */
export interface CoalescedDelta {
  offset: number;
  text: string;
  reasoningOffset: number;
  reasoning: string;
}

export interface CoalescerOptions {
  /** The least time between two frames; a function is asked again before each wait. */
  intervalMs?: number | (() => number);
  maxFrameChars?: number;
  now?: () => number;
}

export class DeltaCoalescer {
  /** Full text and reasoning so far. */
  text = "";
  reasoning = "";
  /** How much of each has already gone out in a frame. */
  private sentText = 0;
  private sentReasoning = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = -Infinity;
  private readonly intervalMs: () => number;
  private readonly maxFrameChars: number;
  private readonly now: () => number;

  constructor(
    private readonly emit: (delta: CoalescedDelta) => void,
    options: CoalescerOptions = {},
  ) {
    const interval = options.intervalMs ?? 16;
    this.intervalMs = typeof interval === "number" ? () => interval : interval;
    this.maxFrameChars = options.maxFrameChars ?? 16_384;
    this.now = options.now ?? Date.now;
  }

  /** Starts from text that everyone already has (continuing a stopped answer). */
  seed(text: string, reasoning: string): void {
    this.text = text;
    this.reasoning = reasoning;
    this.sentText = text.length;
    this.sentReasoning = reasoning.length;
  }

  pushText(chunk: string): void {
    if (chunk === "") return;
    this.text += chunk;
    this.schedule();
  }

  pushReasoning(chunk: string): void {
    if (chunk === "") return;
    this.reasoning += chunk;
    this.schedule();
  }

  get pendingChars(): number {
    return this.text.length - this.sentText + (this.reasoning.length - this.sentReasoning);
  }

  /** Sends whatever is pending now (used before `done`, and by the timer). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pendingChars === 0) return;
    const delta: CoalescedDelta = {
      offset: this.sentText,
      text: this.text.slice(this.sentText),
      reasoningOffset: this.sentReasoning,
      reasoning: this.reasoning.slice(this.sentReasoning),
    };
    this.sentText = this.text.length;
    this.sentReasoning = this.reasoning.length;
    this.lastFlushAt = this.now();
    this.emit(delta);
  }

  /** Drops the timer without sending (the generation was torn down). */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.pendingChars >= this.maxFrameChars) {
      this.flush();
      return;
    }
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs() - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}

/**
 * The least time between two delta frames, by the number of devices watching. A chunk after a
 * pause always leaves on the next tick; only chunks that follow closely wait for the interval.
 * Each frame costs a send per device, so the spacing grows with the audience to keep the room
 * near 2,000 socket sends a second when the provider streams faster than anyone reads: up to 4
 * devices a frame at most every 2 ms (a burst of a thousand tokens still becomes a few dozen
 * frames), 16 devices every 8 ms, 32 or more every 16 ms (one screen refresh, which nobody
 * reading can tell apart).
 */
export function frameIntervalFor(devices: number): number {
  return Math.min(16, Math.max(2, devices / 2));
}
