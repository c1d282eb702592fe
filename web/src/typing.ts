/**
 * When to tell the room that this person is typing (docs/protocol.md, `typing`): `active: true` at
 * most every 2 s while the composer has text and keys are being pressed (the server forgets it
 * ~6 s after the last one, so a pause simply lets it lapse), and `active: false` as soon as the
 * draft is sent, cleared or the composer loses focus. Pure apart from the clock it is given.
 */
export const TYPING_REPEAT_MS = 2_000;

export class TypingSignal {
  private lastActiveAt = Number.NEGATIVE_INFINITY;
  private active = false;

  constructor(
    private readonly emit: (active: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The draft changed (a key was pressed); `hasText` says whether anything is left in it. */
  input(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    const now = this.now();
    if (now - this.lastActiveAt < TYPING_REPEAT_MS) return;
    this.lastActiveAt = now;
    this.active = true;
    this.emit(true);
  }

  /** Sent, cleared or blurred: say so once, if the room was told we were typing. */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.lastActiveAt = Number.NEGATIVE_INFINITY;
    this.emit(false);
  }
}
