// `npx vitest run --config vitest.e2e.config.ts web/src/typing.test.ts`
import { describe, expect, it } from "vitest";
import { TypingSignal } from "./typing.ts";

function setup() {
  let now = 1_000;
  const sent: boolean[] = [];
  const signal = new TypingSignal(
    (active) => sent.push(active),
    () => now,
  );
  return { signal, sent, advance: (ms: number) => (now += ms) };
}

describe("TypingSignal", () => {
  it("says 'typing' at most every 2 s while keys are pressed", () => {
    const { signal, sent, advance } = setup();
    signal.input(true);
    for (let i = 0; i < 10; i++) {
      advance(150);
      signal.input(true);
    }
    expect(sent).toEqual([true]);
    advance(600); // 2.1 s after the first
    signal.input(true);
    expect(sent).toEqual([true, true]);
  });

  it("says 'stopped' once when the draft is cleared or sent, and nothing if it never started", () => {
    const { signal, sent } = setup();
    signal.stop();
    signal.input(false);
    expect(sent).toEqual([]);
    signal.input(true);
    signal.input(false);
    signal.stop();
    expect(sent).toEqual([true, false]);
    // Typing again right away is announced at once (not held back by the 2 s window).
    signal.input(true);
    expect(sent).toEqual([true, false, true]);
  });
});
