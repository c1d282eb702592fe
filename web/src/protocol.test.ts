// Delta frames take a hand-written fast path through parseServerFrame: it must accept and reject
// exactly what the schema does, and round-trip what the room encodes. `resumed` is what a
// reconnecting device receives instead of a snapshot, so its size is the cost of a reconnect.
import { describe, expect, it } from "vitest";
import { encodeFrame, parseServerFrame } from "#protocol/frames";

const base = { type: "delta", messageId: "m1", offset: 3, text: "lo" } as const;

describe("delta frames on the wire", () => {
  it("leave out empty reasoning and come back with it", () => {
    const wire = encodeFrame({ ...base, reasoningOffset: 0, reasoning: "" });
    expect(JSON.parse(wire)).toEqual(base);
    expect(parseServerFrame(wire)).toEqual({ ...base, reasoningOffset: 0, reasoning: "" });
  });

  it("keep reasoning once the answer has any", () => {
    const frame = { ...base, reasoningOffset: 5, reasoning: "" };
    expect(parseServerFrame(encodeFrame(frame))).toEqual(frame);
  });

  it("drop unknown fields and refuse malformed ones", () => {
    expect(parseServerFrame(JSON.stringify({ ...base, extra: true }))).not.toHaveProperty("extra");
    for (const bad of [
      { ...base, offset: -1 },
      { ...base, offset: 1.5 },
      { ...base, text: 4 },
      { ...base, messageId: null },
      { ...base, reasoningOffset: "0" },
    ]) {
      expect(parseServerFrame(JSON.stringify(bad))).toBeNull();
    }
  });
});

describe("resumed frames on the wire", () => {
  const self = { id: "0123456789abcdef", role: "owner" } as const;

  it("cost the missed text and at most 90 bytes besides, and come back whole", () => {
    const missed = "word ".repeat(100);
    const frame = {
      type: "resumed",
      self,
      offset: 1234,
      text: missed,
      reasoningOffset: 56,
      reasoning: "",
    } as const;
    const wire = encodeFrame(frame);
    expect(wire.length - missed.length).toBeLessThanOrEqual(90);
    expect(parseServerFrame(wire)).toEqual({ ...frame, reasoningOffset: 0 });
    const thinking = { ...frame, reasoning: "hmm" };
    expect(parseServerFrame(encodeFrame(thinking))).toEqual(thinking);
  });

  it("carry only who we are when nothing was missed", () => {
    const frame = { type: "resumed", self, offset: 0, text: "", reasoningOffset: 0, reasoning: "" } as const;
    expect(JSON.parse(encodeFrame(frame))).toEqual({ type: "resumed", self });
    expect(parseServerFrame(encodeFrame(frame))).toEqual(frame);
  });
});
