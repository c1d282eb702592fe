/**
 * GFM markdown to React elements, built from marked's tokens (no HTML strings, so nothing from a
 * model reaches `innerHTML`; raw HTML in an answer shows as text).
 *
 * While an answer streams, its text is lexed incrementally: blocks that a blank line has closed
 * are lexed once and kept (frozen in chunks that React skips as a whole), and only the text after
 * the last such boundary is lexed (and healed) again for each delta, so a long answer costs the
 * same per delta as a short one. Each block is also memoized on its source. A finished text is
 * rendered once and kept (rendered-cache.ts).
 */
import { Fragment, memo, useRef, type ReactNode } from "react";
import type { MarkedToken, Token } from "marked";
import { CodeBlock } from "./CodeBlock.tsx";
import { emptyLexState, lexMarkdown, updateLexState, type LexState } from "./incremental.ts";
import { checkLink } from "./links.ts";
import { renderedMarkdown } from "./rendered-cache.ts";
import { showDirectionControls } from "../direction.ts";

const SAFE_URL = /^(https?:|mailto:|#|\/)/i;

export function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const state = useRef<LexState | null>(null);
  // A text that never streamed here is finished: rendered once per text and kept (LRU), so a row
  // that mounts again does not lex again. One that streamed here keeps its chunks as it ends.
  if (state.current === null && !streaming) return renderedMarkdown(text, renderFinished);
  state.current = updateLexState(state.current ?? emptyLexState(), text, streaming);
  const { chunks, tail, open } = state.current;
  return (
    <>
      {chunks.map((tokens, index) => (
        <Chunk key={`c${index}`} tokens={tokens} />
      ))}
      {tail.map((token, index) => (
        <Block key={index} token={token} raw={token.raw} open={open && index === tail.length - 1} />
      ))}
    </>
  );
}

function renderFinished(text: string): ReactNode {
  return renderBlocks(lexMarkdown(text));
}

/** Frozen blocks: rendered once, then skipped as a whole while the rest of the answer streams. */
const Chunk = memo(function Chunk({ tokens }: { tokens: Token[] }) {
  return tokens.map((token, index) => <Block key={index} token={token} raw={token.raw} open={false} />);
});

const Block = memo(
  function Block({ token, open }: { token: Token; raw: string; open: boolean }) {
    return renderBlock(token as MarkedToken, open);
  },
  (before, after) => before.raw === after.raw && before.open === after.open,
);

function renderBlocks(tokens: Token[]): ReactNode {
  return tokens.map((token, index) => (
    <Fragment key={index}>{renderBlock(token as MarkedToken, false)}</Fragment>
  ));
}

function renderBlock(token: MarkedToken, open: boolean): ReactNode {
  switch (token.type) {
    case "space":
    case "def":
      return null;
    case "heading": {
      const Tag = `h${Math.min(Math.max(token.depth, 1), 6)}` as "h1";
      return <Tag>{renderInline(token.tokens)}</Tag>;
    }
    case "paragraph":
      return <p>{renderInline(token.tokens)}</p>;
    case "code":
      return <CodeBlock language={token.lang?.split(/\s/)[0] ?? ""} code={token.text} open={open} />;
    case "blockquote":
      return <blockquote>{renderBlocks(token.tokens)}</blockquote>;
    case "hr":
      return <hr />;
    case "list": {
      const items = token.items.map((item, index) => (
        <li key={index} className={item.task ? "task-item" : undefined}>
          {item.tokens.map((child, c) => (
            <Fragment key={c}>{renderListChild(child as MarkedToken, item.loose)}</Fragment>
          ))}
        </li>
      ));
      return token.ordered ? (
        <ol start={typeof token.start === "number" && token.start !== 1 ? token.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul className={token.items.some((item) => item.task) ? "task-list" : undefined}>{items}</ul>
      );
    }
    case "table":
      return (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                {token.header.map((cell, index) => (
                  <th key={index} style={cell.align ? { textAlign: cell.align } : undefined}>
                    {renderInline(cell.tokens)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {token.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c} style={cell.align ? { textAlign: cell.align } : undefined}>
                      {renderInline(cell.tokens)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case "html":
      return <p>{token.text}</p>;
    case "text":
      return <p>{token.tokens ? renderInline(token.tokens) : token.text}</p>;
    default:
      return "tokens" in token && token.tokens ? renderInline(token.tokens) : token.raw;
  }
}

/** Tight list items hold bare `text` tokens (no paragraph); loose ones hold paragraphs. */
function renderListChild(token: MarkedToken, loose: boolean): ReactNode {
  if (token.type === "checkbox") {
    return (
      <input
        type="checkbox"
        checked={token.checked}
        readOnly
        disabled
        aria-label={token.checked ? "Done" : "To do"}
      />
    );
  }
  if (token.type === "text" && !loose) return token.tokens ? renderInline(token.tokens) : token.text;
  return renderBlock(token, false);
}

/**
 * Inline tokens as React nodes. Inside a link (`inLink`), direction controls in the text are shown
 * as ⟨U+XXXX⟩ tags rather than applied, so a link cannot display as an address it is not.
 */
function renderInline(tokens: Token[], inLink = false): ReactNode {
  return tokens.map((token, index) => (
    <Fragment key={index}>{renderInlineToken(token as MarkedToken, inLink)}</Fragment>
  ));
}

function renderInlineToken(token: MarkedToken, inLink: boolean): ReactNode {
  const text = (value: string) => (inLink ? showDirectionControls(value) : value);
  switch (token.type) {
    case "text":
      return token.tokens ? renderInline(token.tokens, inLink) : text(token.text);
    case "escape":
      return text(token.text);
    case "strong":
      return <strong>{renderInline(token.tokens, inLink)}</strong>;
    case "em":
      return <em>{renderInline(token.tokens, inLink)}</em>;
    case "del":
      return <del>{renderInline(token.tokens, inLink)}</del>;
    case "codespan":
      return <code>{text(token.text)}</code>;
    case "br":
      return <br />;
    case "link": {
      if (!SAFE_URL.test(token.href)) return renderInline(token.tokens, inLink);
      // A link whose text and target disagree says where it really goes on hover.
      const check = checkLink(token.text, token.href, token.title);
      return (
        <a
          href={token.href}
          title={check.title}
          data-link-mismatch={check.mismatch || undefined}
          target="_blank"
          rel="noopener noreferrer"
        >
          {renderInline(token.tokens, true)}
        </a>
      );
    }
    case "image": {
      // Images from a model's answer are not loaded (privacy, tracking pixels): link to them instead.
      if (!SAFE_URL.test(token.href)) return text(token.text);
      const check = checkLink(token.text || token.href, token.href, token.title);
      return (
        <a
          href={token.href}
          title={check.title}
          data-link-mismatch={check.mismatch || undefined}
          target="_blank"
          rel="noopener noreferrer"
        >
          {showDirectionControls(token.text || token.href)}
        </a>
      );
    }
    case "html":
      return text(token.text);
    case "checkbox":
      return null;
    default:
      return token.raw;
  }
}
