// @vitest-environment happy-dom
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Markdown } from "./Markdown.tsx";

afterEach(cleanup);

function html(text: string, streaming = true) {
  const { container } = render(<Markdown text={text} streaming={streaming} />);
  return container;
}

describe("Markdown on partial input", () => {
  it("renders unfinished bold as bold, without stray asterisks", () => {
    const dom = html("The answer is **forty");
    expect(dom.querySelector("strong")?.textContent).toBe("forty");
    expect(dom.textContent).not.toContain("*");
  });

  it("shows an unclosed code fence as a code block with its language and copy button", () => {
    const dom = html("Here:\n\n```python\ndef f():\n    return 1");
    expect(dom.querySelector("pre code")?.textContent).toBe("def f():\n    return 1");
    expect(dom.textContent).toContain("python");
    expect(dom.querySelector('button[aria-label="Copy code"]')).not.toBeNull();
    expect(dom.textContent).not.toContain("```");
  });

  it("renders a link whose URL is still arriving as a link", () => {
    const dom = html("See [the docs](https://developers.cloudflare.com/dur");
    expect(dom.querySelector("a")?.getAttribute("href")).toBe("https://developers.cloudflare.com/dur");
    expect(dom.textContent).not.toContain("](");
  });

  it("renders GFM: headings, task lists, tables, quotes, strikethrough", () => {
    const dom = html(
      "# Title\n\n- [x] done\n- [ ] todo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted ~~old~~\n",
      false,
    );
    expect(dom.querySelector("h1")?.textContent).toBe("Title");
    expect(dom.querySelectorAll('input[type="checkbox"]')).toHaveLength(2);
    expect(dom.querySelector("td")?.textContent).toBe("1");
    expect(dom.querySelector("blockquote del")?.textContent).toBe("old");
  });

  it("never turns HTML or unsafe links from the model into markup", () => {
    const dom = html('<img src=x onerror="alert(1)"> [x](javascript:alert(1))', false);
    expect(dom.querySelector("img")).toBeNull();
    expect(dom.querySelector("a")).toBeNull();
    expect(dom.textContent).toContain("<img");
  });

  it("a half-written table row stays readable text until the table is complete", () => {
    const dom = html("| a | b |\n|--");
    expect(dom.querySelector("table")).toBeNull();
    expect(dom.textContent).toContain("a");
  });

  it("a link whose text reads as another address says where it really goes on hover", () => {
    const dom = html("Log in at [https://your-bank.example](https://evil.example/login).", false);
    const link = dom.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://evil.example/login");
    expect(link?.getAttribute("title")).toContain("Opens https://evil.example/login");
    expect(link?.hasAttribute("data-link-mismatch")).toBe(true);

    const honest = html("See [the guide](https://docs.example/guide).", false).querySelector("a");
    expect(honest?.hasAttribute("title")).toBe(false);
    expect(honest?.hasAttribute("data-link-mismatch")).toBe(false);
  });

  it("direction controls in a link are shown as tags, not applied", () => {
    const dom = html("Get [moc.knab\u202E//:sptth](https://evil.example/x\u2066y) now", false);
    const link = dom.querySelector("a");
    expect(link?.textContent).toBe("moc.knab⟨U+202E⟩//:sptth");
    expect(link?.getAttribute("title")).toContain("https://evil.example/x⟨U+2066⟩y");
    expect(dom.textContent).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
