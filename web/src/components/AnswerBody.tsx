/**
 * The text of an answer: markdown, with the tool steps placed where the model called them, or a
 * formatted JSON block when the whole answer is JSON. Only the last part re-renders while text
 * streams in.
 */
import { memo, useEffect, useState } from "react";
import type { ToolCall } from "#protocol/messages";
import { jsonAnswer, looksLikeJsonSoFar, splitAtToolCalls } from "../answer-parts.ts";
import { CodeBlock } from "../markdown/CodeBlock.tsx";
import type { Markdown as MarkdownComponent } from "../markdown/Markdown.tsx";
import { ToolSteps } from "./ToolSteps.tsx";

/**
 * The Markdown renderer (with its parser) is a chunk of its own, so the start screen does not
 * wait for it. It is requested as soon as the app starts, well before a chat's messages arrive;
 * until it is there, an answer shows as plain text.
 */
let Markdown: typeof MarkdownComponent | null = null;
const markdownReady = import("../markdown/Markdown.tsx").then((module) => {
  Markdown = module.Markdown;
});

function useMarkdown(): typeof MarkdownComponent | null {
  const [, setLoaded] = useState(Markdown !== null);
  useEffect(() => {
    if (Markdown === null) void markdownReady.then(() => setLoaded(true));
  }, []);
  return Markdown;
}

interface AnswerBodyProps {
  content: string;
  toolCalls: readonly ToolCall[] | undefined;
  streaming: boolean;
}

export const AnswerBody = memo(function AnswerBody({ content, toolCalls, streaming }: AnswerBodyProps) {
  const parts = splitAtToolCalls(content, toolCalls ?? []);
  return (
    <>
      {parts.map((part, index) => {
        const last = index === parts.length - 1;
        if (part.kind === "tools") return <ToolSteps key={`tools-${index}`} calls={part.calls} />;
        return <AnswerText key={`text-${index}`} text={part.text} streaming={streaming && last} />;
      })}
    </>
  );
});

function AnswerText({ text, streaming }: { text: string; streaming: boolean }) {
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
  return <MarkdownText text={text} streaming={streaming} />;
}

function MarkdownText({ text, streaming }: { text: string; streaming: boolean }) {
  const Renderer = useMarkdown();
  if (Renderer === null) return <p className="whitespace-pre-wrap">{text}</p>;
  return <Renderer text={text} streaming={streaming} />;
}
