// Where output moderation cuts an answer into windows: by its text alone, whatever the chunks.
import { describe, expect, it } from "vitest";
import { TextWindows } from "../../worker/moderation/windows";

const sentence = (n: number) => `Sentence ${String(n).padStart(2, "0")} is short.`;
// Twenty sentences of 21 characters and a space: several end in every window.
const TEXT = Array.from({ length: 20 }, (_, index) => sentence(index + 1)).join(" ");

/** The windows of `text` when it arrives in pieces of `step` characters, and then ends. */
function windowsOf(text: string, size: number, step: number, start = 0) {
  const windows = new TextWindows(size, start);
  const taken = [];
  for (let end = start + step; end < text.length + step; end += step) {
    taken.push(...windows.take(text.slice(0, Math.min(end, text.length))));
  }
  taken.push(...windows.take(text, true));
  return taken.map((window) => window.text);
}

describe("output moderation windows", () => {
  it("cut at the first sentence end past the window size, the same for any chunking", () => {
    const byChar = windowsOf(TEXT, 100, 1);
    expect(byChar).toEqual(windowsOf(TEXT, 100, 37));
    expect(byChar).toEqual(windowsOf(TEXT, 100, TEXT.length));
    // A window of at least 100 characters ends with the fifth sentence (5 × 22 - 1 = 109).
    expect(byChar[0]).toBe([1, 2, 3, 4, 5].map(sentence).join(" "));
    expect(byChar.join("")).toBe(TEXT);
    expect(byChar).toHaveLength(4);
  });

  it("cuts text without sentence ends before a space near twice the size, and keeps the rest for the end", () => {
    const words = "word ".repeat(100).trim();
    const windows = windowsOf(words, 100, 7);
    expect(windows[0]!.length).toBeLessThanOrEqual(200);
    expect(windows[0]!.length).toBeGreaterThanOrEqual(100);
    expect(windows[0]!.endsWith("word")).toBe(true);
    expect(windows.join("")).toBe(words);
  });

  it("waits while the window is not complete, and checks text already there no more", () => {
    const windows = new TextWindows(100, 10);
    expect(windows.take(TEXT.slice(0, 90))).toEqual([]);
    const [first] = windows.take(TEXT, true);
    expect(first?.start).toBe(10);
    expect(first?.text.startsWith(TEXT.slice(10, 20))).toBe(true);
  });
});
