/**
 * The text of an answer: markdown, with the tool steps placed where the model called them, or a
 * formatted JSON block when the whole answer is JSON. Only the last part re-renders while text
 * streams in.
 */
import { memo, useEffect, useState } from "react";
import type { ToolCall } from "#protocol/messages";
import { jsonAnswer, looksLikeJsonSoFar, splitAtToolCalls } from "../answer-parts.ts";
import type { CodeBlock as CodeBlockComponent } from "../markdown/CodeBlock.tsx";
import type { Markdown as MarkdownComponent } from "../markdown/Markdown.tsx";
import type { ToolSteps as ToolStepsComponent } from "./ToolSteps.tsx";

/**
 * The Markdown renderer (with its parser and code blocks) and the tool steps are chunks of their
 * own, so the start screen does not wait for them. They are requested as soon as the app starts, well before
 * a chat's messages arrive; until they are there, an answer shows as plain text.
 */
let Markdown: typeof MarkdownComponent | null = null;
let CodeBlock: typeof CodeBlockComponent | null = null;
let ToolSteps: typeof ToolStepsComponent | null = null;
const renderersReady = Promise.all([
  import("../markdown/Markdown.tsx"),
  import("../markdown/CodeBlock.tsx"),
  import("./ToolSteps.tsx"),
]).then(([markdown, code, tools]) => {
  Markdown = markdown.Markdown;
  CodeBlock = code.CodeBlock;
  ToolSteps = tools.ToolSteps;
});

/** Renders again once the renderers are in. */
function useRenderers(): boolean {
  const [loaded, setLoaded] = useState(Markdown !== null);
  useEffect(() => {
    if (!loaded) void renderersReady.then(() => setLoaded(true));
  }, [loaded]);
  return Markdown !== null;
}

interface AnswerBodyProps {
  content: string;
  toolCalls: readonly ToolCall[] | undefined;
  streaming: boolean;
}

export const AnswerBody = memo(function AnswerBody({ content, toolCalls, streaming }: AnswerBodyProps) {
  const parts = splitAtToolCalls(content, toolCalls ?? []);
  useRenderers();
  return (
    <>
      {parts.map((part, index) => {
        const last = index === parts.length - 1;
        if (part.kind === "tools") {
          return ToolSteps && <ToolSteps key={`tools-${index}`} calls={part.calls} />;
        }
        return <AnswerText key={`text-${index}`} text={part.text} streaming={streaming && last} />;
      })}
    </>
  );
});

function AnswerText({ text, streaming }: { text: string; streaming: boolean }) {
  useRenderers();
  if (Markdown === null || CodeBlock === null) return <p className="whitespace-pre-wrap">{text}</p>;
  const json = streaming ? null : jsonAnswer(text);
  if (json !== null) {
    return (
      <div data-testid="json-answer" className="[&>div]:mt-1">
        <CodeBlock language="json" code={json} open={false} />
      </div>
    );
  }
  // A JSON answer on its way: a plain code block until it is complete (markdown would reflow it).
  if (streaming && looksLikeJsonSoFar(text)) return <CodeBlock language="json" code={text} open />;
  return <Markdown text={text} streaming={streaming} />;
}
