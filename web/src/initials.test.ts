import { describe, expect, it } from "vitest";
import { initialsOf } from "./initials.ts";

describe("initialsOf", () => {
  it("takes the first and last word of a name", () => {
    expect(initialsOf("Nina Tester")).toBe("NT");
    expect(initialsOf("  ana   maría  lópez ")).toBe("AL");
    expect(initialsOf("bob")).toBe("B");
  });

  it("reads an email's local part as the words of a name", () => {
    expect(initialsOf("nina.tester@example.com")).toBe("NT");
    expect(initialsOf("bob@example.com")).toBe("B");
  });

  it("skips punctuation and falls back to ? when nothing is left", () => {
    expect(initialsOf("(Zoë) 'Ng'")).toBe("ZN");
    expect(initialsOf("   ")).toBe("?");
    expect(initialsOf("🙂")).toBe("?");
  });
});
