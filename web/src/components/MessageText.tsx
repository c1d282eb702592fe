import { useState } from "react";
import { splitFences } from "../fences.ts";
import { CheckIcon, CopyIcon } from "./Icons.tsx";

/**
 * An answer's text: prose as pre-wrapped plain text, fenced code as code blocks. The fences stay in
 * the DOM (visually hidden), so the element's text is exactly the message text.
 */
export function MessageText({ content, streaming }: { content: string; streaming: boolean }) {
  const segments = splitFences(content);
  return (
    <div data-testid="message-text" className="text-[15.5px] leading-[1.7] break-words whitespace-pre-wrap">
      {segments.map((segment, index) =>
        segment.kind === "text" ? (
          <Prose key={index} text={segment.text} last={!streaming && index === segments.length - 1} />
        ) : (
          <CodeBlock
            key={index}
            open={segment.open}
            language={segment.language}
            code={segment.code}
            close={segment.close}
          />
        ),
      )}
      {streaming && (
        <span
          aria-hidden="true"
          className="ml-0.5 inline-block h-[1.1em] w-[2px] translate-y-[0.2em] animate-blink rounded-full bg-ink/80"
        />
      )}
    </div>
  );
}

/** Prose; a finished answer's trailing blank lines stay in the text but take no room. */
function Prose({ text, last }: { text: string; last: boolean }) {
  if (!last) return <span>{text}</span>;
  const trimmed = text.trimEnd();
  return (
    <span>
      {trimmed}
      {trimmed.length < text.length && <span className="hidden">{text.slice(trimmed.length)}</span>}
    </span>
  );
}

function CodeBlock({
  open,
  language,
  code,
  close,
}: {
  open: string;
  language: string;
  code: string;
  close: string;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code.replace(/\n$/, ""));
      setCopied(true);
      setTimeout(() => setCopied(false), 1_500);
    } catch {
      // Clipboard blocked (insecure context, permissions): nothing to do.
    }
  };
  return (
    <div className="relative my-1 overflow-hidden rounded-xl border border-line bg-code">
      <div className="flex h-9 items-center justify-between border-b border-line pr-1.5 pl-3.5 text-xs text-muted">
        {/* The fence line stays in the text (hidden); the label is a pseudo-element, not text. */}
        <span aria-hidden="true" className="sr-only">
          {open}
        </span>
        <span
          data-label={language || "code"}
          aria-label={language ? `${language} code` : "Code"}
          className="font-mono before:content-[attr(data-label)]"
        />
        <button
          type="button"
          onClick={() => void copy()}
          aria-label={copied ? "Copied" : "Copy code"}
          title={copied ? "Copied" : "Copy code"}
          className="grid size-7 place-items-center rounded-md hover:bg-hover hover:text-ink"
        >
          {copied ? <CheckIcon width={14} height={14} /> : <CopyIcon width={14} height={14} />}
        </button>
      </div>
      <pre className="overflow-x-auto px-4 py-3 font-mono text-[13.5px] leading-relaxed whitespace-pre">
        <code>{code}</code>
      </pre>
      {close && (
        <span aria-hidden="true" className="sr-only">
          {close}
        </span>
      )}
    </div>
  );
}
