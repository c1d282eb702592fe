// Direction controls in text that must be read as it is (file names, link addresses) are shown
// as ⟨U+XXXX⟩ tags rather than applied; letters of right-to-left scripts stay as they are.
// `npx vitest run --config vitest.e2e.config.ts web/src/direction.test.ts`.
import { describe, expect, it } from "vitest";
import { hasDirectionControls, showDirectionControls } from "./direction.ts";

const CONTROLS = [
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
];

describe("direction controls", () => {
  it("shows each embedding, override, isolate and mark as a tag", () => {
    for (const code of CONTROLS) {
      const text = `a${String.fromCodePoint(code)}b`;
      const tag = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
      expect(hasDirectionControls(text), tag).toBe(true);
      expect(showDirectionControls(text)).toBe(`a⟨${tag}⟩b`);
    }
  });

  it("a name that would display as another shows as it is", () => {
    // Applied, U+202E makes this read "invoiceexe.pdf".
    expect(showDirectionControls("invoice\u202Efdp.exe")).toBe("invoice⟨U+202E⟩fdp.exe");
  });

  it("leaves right-to-left letters and ordinary text alone", () => {
    for (const text of ["שלום.txt", "تقرير.pdf", "notes (v2).md", "café – résumé.pdf"]) {
      expect(hasDirectionControls(text)).toBe(false);
      expect(showDirectionControls(text)).toBe(text);
    }
  });
});
