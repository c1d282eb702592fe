// Delta frames take a hand-written fast path through parseServerFrame: it must accept and reject
// exactly what the schema does, and round-trip what the room encodes.
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
