// What a link in an answer says on hover: the real target, when its text reads as another
// address or either of them hides direction controls; otherwise the link's own title.
// `npx vitest run --config vitest.e2e.config.ts web/src/markdown/links.test.ts`.
import { describe, expect, it } from "vitest";
import { checkLink } from "./links.ts";

describe("links whose text and target disagree", () => {
  it("text that reads as another address names the real target", () => {
    for (const [text, href] of [
      ["https://your-bank.example/login", "https://evil.example/login"],
      ["your-bank.example", "https://your-bank.example.evil.example/"],
      ["www.your-bank.example", "http://evil.example"],
      ["https://docs.example/guide", "https://docs.example/elsewhere"],
      ["help@your-bank.example", "mailto:thief@evil.example"],
      ["parley.example/settings", "/c/other"],
    ]) {
      const check = checkLink(text!, href!);
      expect(check.mismatch, `${text} → ${href}`).toBe(true);
      expect(check.title).toContain(`Opens ${href}`);
    }
  });

  it("direction controls in the text or the target are a mismatch, shown as tags in the title", () => {
    const inText = checkLink("moc.elpmaxe\u202E//:sptth", "https://example.com");
    expect(inText.mismatch).toBe(true);
    const inTarget = checkLink("report", "https://files.example/report\u202Efdp.exe");
    expect(inTarget).toEqual({
      mismatch: true,
      title: expect.stringContaining("https://files.example/report⟨U+202E⟩fdp.exe"),
    });
    expect(inTarget.title).not.toContain("\u202E");
  });

  it("links that go where their text says, or whose text is not an address, keep their own title", () => {
    expect(checkLink("the docs", "https://docs.example/guide")).toEqual({
      mismatch: false,
      title: undefined,
    });
    expect(checkLink("the docs", "https://docs.example", "Read me")).toEqual({
      mismatch: false,
      title: "Read me",
    });
    for (const [text, href] of [
      ["https://docs.example/guide", "https://docs.example/guide"],
      ["docs.example", "https://docs.example/"],
      ["example.com", "https://www.example.com/page"],
      ["docs.example/guide", "https://docs.example/guide#install"],
      ["help@example.com", "mailto:help@example.com"],
    ]) {
      expect(checkLink(text!, href!), `${text} → ${href}`).toEqual({ mismatch: false, title: undefined });
    }
  });
});
