// @vitest-environment happy-dom
// `npx vitest run --config vitest.e2e.config.ts web/src/markdown/rendered-cache.test.tsx`
import { cleanup, render } from "@testing-library/react";
import { Lexer } from "marked";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Markdown } from "./Markdown.tsx";
import { MAX_RENDERED } from "./rendered-cache.ts";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Mounts a finished text the way a row scrolled into view does, and unmounts it; its HTML. */
function mountOnce(text: string): string {
  const { container, unmount } = render(<Markdown text={text} />);
  const html = container.innerHTML;
  unmount();
  return html;
}

describe("rendered Markdown of finished messages", () => {
  it("is lexed once: a row mounted again shows the same thing without parsing", () => {
    const lex = vi.spyOn(Lexer, "lex");
    const text = "## Kept\n\nA **finished** answer with `code` and a list:\n\n- one\n- two\n";
    const first = mountOnce(text);
    const again = mountOnce(text);
    expect(again).toBe(first);
    expect(again).toContain("<strong>finished</strong>");
    expect(lex).toHaveBeenCalledTimes(1);
  });

  it("renders a changed text (an edit, a continued answer) anew", () => {
    const lex = vi.spyOn(Lexer, "lex");
    mountOnce("Version one of an answer.");
    const edited = mountOnce("Version **two** of an answer.");
    expect(edited).toContain("<strong>two</strong>");
    expect(lex).toHaveBeenCalledTimes(2);
  });

  it("keeps only the most recently shown texts", () => {
    const lex = vi.spyOn(Lexer, "lex");
    mountOnce("The oldest answer.");
    mountOnce("A recent answer.");
    // Enough new texts to push out the two above, were they dropped in the order they came.
    for (let index = 0; index < MAX_RENDERED; index++) {
      // Seen again in between, the recent one stays while the oldest is dropped.
      if (index === MAX_RENDERED / 2) mountOnce("A recent answer.");
      mountOnce(`Filler answer ${index}.`);
    }
    lex.mockClear();
    mountOnce("A recent answer.");
    expect(lex).toHaveBeenCalledTimes(0);
    mountOnce("The oldest answer.");
    expect(lex).toHaveBeenCalledTimes(1);
  });

  it("does not serve a streaming text from the kept ones", () => {
    const lex = vi.spyOn(Lexer, "lex");
    mountOnce("Streams **again**");
    lex.mockClear();
    const { container } = render(<Markdown text="Streams **again" streaming />);
    expect(container.querySelector("strong")?.textContent).toBe("again");
    expect(lex).toHaveBeenCalled();
  });
});
