import { memo, useEffect, useState } from "react";
import { Check, Copy, WrapText } from "lucide-react";
import { copyText } from "../clipboard.ts";
import { highlight, peekHighlight, type HighlightedLines } from "./highlight.ts";

interface CodeBlockProps {
  language: string;
  code: string;
  /** The block is still streaming: highlight only once it is closed (never block the stream). */
  open: boolean;
}

export const CodeBlock = memo(function CodeBlock({ language, code, open }: CodeBlockProps) {
  const [wrap, setWrap] = useState(false);
  const [copied, setCopied] = useState(false);
  const lines = useHighlight(language, code, open);

  const copy = async () => {
    if (await copyText(code)) {
      setCopied(true);
      setTimeout(() => setCopied(false), 1_500);
    }
  };

  return (
    <div className="code-block not-prose my-4 overflow-hidden rounded-xl border border-line bg-code">
      <div className="flex h-9 items-center gap-1 border-b border-line pr-1.5 pl-3.5 text-xs text-muted">
        <span className="font-mono lowercase">{language || "text"}</span>
        <button
          type="button"
          onClick={() => setWrap((value) => !value)}
          aria-pressed={wrap}
          aria-label="Wrap lines"
          title="Wrap lines"
          className={`ml-auto grid size-7 place-items-center rounded-md hover:bg-hover hover:text-ink ${wrap ? "text-ink" : ""}`}
        >
          <WrapText size={14} aria-hidden />
        </button>
        <button
          type="button"
          onClick={() => void copy()}
          aria-label={copied ? "Copied" : "Copy code"}
          className="flex h-7 items-center gap-1.5 rounded-md px-2 hover:bg-hover hover:text-ink"
        >
          {copied ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
          <span>{copied ? "Copied" : "Copy"}</span>
        </button>
      </div>
      <pre
        className={`overflow-x-auto px-4 py-3 font-mono text-[13px] leading-[1.6] ${wrap ? "break-words whitespace-pre-wrap" : "whitespace-pre"}`}
      >
        <code>
          {lines
            ? lines.map((line, index) => (
                <span key={index} className="block min-h-[1lh]">
                  {line.map((token, t) => (
                    <span key={t} className="shiki-token" style={token.htmlStyle}>
                      {token.content}
                    </span>
                  ))}
                </span>
              ))
            : code}
        </code>
      </pre>
    </div>
  );
});

function useHighlight(language: string, code: string, open: boolean): HighlightedLines | null {
  const [result, setResult] = useState<{ code: string; lines: HighlightedLines } | null>(null);
  const cached = language ? peekHighlight(language, code) : undefined;
  useEffect(() => {
    if (open || !language || cached) return;
    let cancelled = false;
    highlight(language, code).then(
      (lines) => {
        if (!cancelled && lines) setResult({ code, lines });
      },
      (error: unknown) => console.warn("highlighting failed", error),
    );
    return () => {
      cancelled = true;
    };
  }, [language, code, open, cached]);
  if (cached) return cached;
  return result?.code === code ? result.lines : null;
}
