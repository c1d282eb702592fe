/** One message: the user's as a subtle bubble, the assistant's as full-width prose with its meta. */
import { memo, useState } from "react";
import { Brain, Check, ChevronRight, Copy, RotateCcw } from "lucide-react";
import { copyText } from "../clipboard.ts";
import { formatCost, formatTokens } from "../format.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import type { RoomMessage } from "../room-reducer.ts";

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        if (await copyText(text)) {
          setCopied(true);
          setTimeout(() => setCopied(false), 1_500);
        }
      }}
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      className="grid size-8 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink"
    >
      {copied ? <Check size={15} aria-hidden /> : <Copy size={15} aria-hidden />}
    </button>
  );
}

export const UserMessage = memo(function UserMessage({
  message,
  offscreen,
}: {
  message: RoomMessage;
  offscreen: boolean;
}) {
  return (
    <div
      className={`group flex flex-col items-end gap-1 motion-safe:animate-fade-in ${offscreen ? "offscreen-skip" : ""}`}
      data-testid="user-message"
      data-message-id={message.id}
    >
      <div className="flex max-w-[85%] items-start gap-1">
        {!message.failed && (
          <div className="mt-1.5 opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100">
            <CopyButton text={message.content} label="Copy message" />
          </div>
        )}
        <div className="min-w-0 rounded-bubble rounded-br-md bg-subtle px-4 py-2.5 text-[15.5px] leading-relaxed break-words whitespace-pre-wrap">
          {message.content}
        </div>
      </div>
      {message.failed && <p className="text-xs text-danger">Not sent</p>}
    </div>
  );
});

function Reasoning({ text, thinking }: { text: string; thinking: boolean }) {
  const [open, setOpen] = useState<boolean | null>(null);
  const expanded = open ?? thinking;
  return (
    <div className="mb-3">
      <button
        type="button"
        aria-expanded={expanded}
        onClick={() => setOpen(!expanded)}
        className="-ml-1.5 flex h-8 items-center gap-1.5 rounded-lg px-1.5 text-[13px] text-muted transition-colors hover:bg-hover hover:text-ink"
      >
        <Brain size={14} aria-hidden />
        <span className={thinking ? "animate-pulse" : undefined}>
          {thinking ? "Thinking…" : "Thought process"}
        </span>
        <ChevronRight
          size={14}
          aria-hidden
          className={`transition-transform duration-150 ${expanded ? "rotate-90" : ""}`}
        />
      </button>
      {expanded && (
        <div
          data-testid="reasoning"
          className="mt-1.5 max-h-80 overflow-y-auto border-l-2 border-line pl-3.5 text-[13.5px] leading-relaxed whitespace-pre-wrap text-muted"
        >
          {text}
        </div>
      )}
    </div>
  );
}

const STATUS_NOTES: Partial<Record<RoomMessage["status"], string>> = {
  interrupted: "Interrupted — the answer was cut off before it finished.",
  error: "Something went wrong while answering.",
};

function StatusLine({ message, onRetry }: { message: RoomMessage; onRetry?: () => void }) {
  let text: string | null = STATUS_NOTES[message.status] ?? null;
  if (message.status === "error" && message.error?.message) text = message.error.message;
  if (message.status === "complete" && message.finishReason === "length") text = "Reached the length limit.";
  if (message.status === "complete" && message.finishReason === "content_filter")
    text = "Stopped by the provider’s content filter.";
  if (!text) return null;
  const tone =
    message.status === "error"
      ? "border-danger/30 bg-danger/5 text-danger"
      : "border-warn/30 bg-warn/5 text-warn";
  return (
    <div
      data-testid="message-status"
      role="status"
      className={`mt-3 flex items-center gap-3 rounded-xl border px-3.5 py-2 text-[13px] ${tone}`}
    >
      <span className="flex-1">{text}</span>
      {onRetry && (
        <button
          type="button"
          onClick={onRetry}
          className="flex items-center gap-1 font-medium underline-offset-2 hover:underline"
        >
          <RotateCcw size={13} aria-hidden />
          Retry
        </button>
      )}
    </div>
  );
}

export const AssistantMessage = memo(function AssistantMessage({
  message,
  modelName,
  isLast,
  onRetry,
  offscreen,
}: {
  message: RoomMessage;
  modelName: string | null;
  isLast: boolean;
  onRetry: (assistantId: string) => void;
  offscreen: boolean;
}) {
  const streaming = message.status === "streaming";
  const thinking = streaming && message.content.length === 0;
  const retry = isLast && !streaming ? () => onRetry(message.id) : undefined;
  const usage = message.usage;
  return (
    <article
      data-testid="assistant-message"
      data-message-id={message.id}
      data-status={message.status}
      aria-busy={streaming}
      aria-label="Answer"
      className={`group ${offscreen ? "offscreen-skip" : ""}`}
    >
      {message.reasoning && <Reasoning text={message.reasoning} thinking={thinking} />}
      {thinking && !message.reasoning && (
        <div className="flex h-7 items-center gap-1" aria-label="Waiting for the answer">
          {[0, 150, 300].map((delay) => (
            <span
              key={delay}
              className="size-1.5 animate-pulse rounded-full bg-muted"
              style={{ animationDelay: `${delay}ms` }}
            />
          ))}
        </div>
      )}
      <div className="prose" data-testid="message-text" data-raw={message.content} data-streaming={streaming}>
        <Markdown text={message.content} streaming={streaming} />
      </div>
      <StatusLine message={message} onRetry={message.status !== "complete" ? retry : undefined} />
      {!streaming && (
        <div className="mt-2 flex min-h-8 flex-wrap items-center gap-x-1 text-xs text-muted">
          {message.status === "stopped" && (
            <span data-testid="message-status" className="inline-flex items-center gap-1.5 font-medium">
              <span className="inline-block size-2 rounded-[2px] bg-current" aria-hidden="true" />
              Stopped
              {retry && (
                <button
                  type="button"
                  onClick={retry}
                  className="ml-1 font-medium text-accent hover:underline"
                >
                  Retry
                </button>
              )}
            </span>
          )}
          {message.status === "stopped" && modelName && <span aria-hidden="true">·</span>}
          {modelName && <span>{modelName}</span>}
          {usage && (
            <>
              <span aria-hidden="true">·</span>
              <span title={`${usage.inputTokens} input, ${usage.outputTokens} output tokens`}>
                {formatTokens(usage)}
              </span>
              <span aria-hidden="true">·</span>
              <span>{formatCost(usage.costUsd)}</span>
            </>
          )}
          <div className="ml-1 flex opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100 max-sm:opacity-100 [.group:last-child_&]:opacity-100">
            {message.content && <CopyButton text={message.content} label="Copy answer" />}
            {retry && message.status === "complete" && (
              <button
                type="button"
                onClick={retry}
                aria-label="Retry"
                title="Retry"
                className="grid size-8 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink"
              >
                <RotateCcw size={15} aria-hidden />
              </button>
            )}
          </div>
        </div>
      )}
    </article>
  );
});
