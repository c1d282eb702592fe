// DeltaCoalescer: few frames for a burst, no delay for a slow stream, offsets always exact.
import { describe, expect, it } from "vitest";
import { DeltaCoalescer, type CoalescedDelta } from "../../worker/room/coalescer";
import { frameIntervalFor } from "../../worker/room/coalescer";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function collect(options?: ConstructorParameters<typeof DeltaCoalescer>[1]) {
  const frames: CoalescedDelta[] = [];
  const coalescer = new DeltaCoalescer((delta) => frames.push(delta), options);
  return { frames, coalescer };
}

describe("DeltaCoalescer", () => {
  it("sends chunks that arrive together as one frame on the next tick", async () => {
    const { frames, coalescer } = collect();
    for (const word of ["one ", "two ", "three"]) coalescer.pushText(word);
    expect(frames).toHaveLength(0);
    await tick(5);
    expect(frames).toEqual([{ offset: 0, text: "one two three", reasoningOffset: 0, reasoning: "" }]);
  });

  it("batches a burst into frames at most one interval apart, with exact offsets", async () => {
    const { frames, coalescer } = collect({ intervalMs: 20 });
    let expected = "";
    for (let i = 0; i < 50; i++) {
      const chunk = `t${i} `;
      expected += chunk;
      coalescer.pushText(chunk);
      if (i % 10 === 9) await tick(2);
    }
    coalescer.flush();
    expect(frames.length).toBeLessThan(10);
    let rebuilt = "";
    for (const frame of frames) {
      expect(frame.offset).toBe(rebuilt.length);
      rebuilt += frame.text;
    }
    expect(rebuilt).toBe(expected);
  });

  it("does not delay a chunk that follows a quiet spell", async () => {
    const { frames, coalescer } = collect({ intervalMs: 50 });
    coalescer.pushText("first");
    await tick(60);
    coalescer.pushText(" second");
    await tick(5);
    expect(frames.map((f) => f.text)).toEqual(["first", " second"]);
    expect(frames[1]?.offset).toBe(5);
  });

  it("flushes at once when a frame grows past its size cap", () => {
    const { frames, coalescer } = collect({ maxFrameChars: 10 });
    coalescer.pushText("0123456789abc");
    expect(frames).toHaveLength(1);
    expect(frames[0]?.text).toBe("0123456789abc");
  });

  it("tracks reasoning separately from the answer text", async () => {
    const { frames, coalescer } = collect();
    coalescer.pushReasoning("thinking…");
    coalescer.pushText("Answer");
    await tick(5);
    coalescer.pushReasoning(" more");
    coalescer.flush();
    expect(frames).toEqual([
      { offset: 0, text: "Answer", reasoningOffset: 0, reasoning: "thinking…" },
      { offset: 6, text: "", reasoningOffset: 9, reasoning: " more" },
    ]);
  });

  it("asks for the interval again before each wait, so it can follow the audience", async () => {
    let interval = 0;
    const { frames, coalescer } = collect({ intervalMs: () => interval });
    coalescer.pushText("a");
    await tick(5);
    coalescer.pushText("b");
    await tick(5);
    // No spacing: each chunk left on its own tick. With 40 ms, "c" waits for the spacing.
    expect(frames.map((f) => f.text)).toEqual(["a", "b"]);
    interval = 40;
    coalescer.pushText("c");
    await tick(5);
    expect(frames.map((f) => f.text)).toEqual(["a", "b"]);
    await tick(50);
    expect(frames.map((f) => f.text)).toEqual(["a", "b", "c"]);
  });

  it("spaces frames further apart as more devices watch", () => {
    expect(frameIntervalFor(1)).toBe(2);
    expect(frameIntervalFor(16)).toBe(8);
    expect(frameIntervalFor(64)).toBe(16);
    expect(frameIntervalFor(500)).toBe(16);
  });
});
