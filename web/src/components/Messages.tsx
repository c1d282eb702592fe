import { memo, useLayoutEffect, useRef } from "react";
import type { ModelInfo } from "../../../worker/protocol/index.ts";
import { formatCost, formatTokens } from "../format.ts";
import type { RoomMessage } from "../room-reducer.ts";
import { MessageText } from "./MessageText.tsx";

interface MessageListProps {
  messages: RoomMessage[];
  models: ModelInfo[];
  /** Rendered above the messages when there are none (greeting, skeleton). */
  empty?: React.ReactNode;
  /** The list shows the server's state (snapshot received), not a placeholder. */
  synced: boolean;
}

/** Within this distance of the bottom the list follows new text; further up, it leaves you be. */
const STICK_PX = 96;

export function MessageList({ messages, models, empty, synced }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const modelName = (id: string | null) => (id ? (models.find((m) => m.id === id)?.name ?? id) : null);

  return (
    <div
      ref={scroller}
      className="min-h-0 flex-1 overflow-y-auto [scrollbar-gutter:stable]"
      onScroll={(event) => {
        const el = event.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      <div
        role="log"
        aria-live="polite"
        aria-label="Messages"
        data-synced={synced}
        className="mx-auto flex w-full max-w-3xl flex-col gap-7 px-4 pt-8 pb-12 sm:px-6"
      >
        {messages.length === 0 && empty}
        {messages.map((message) =>
          message.role === "user" ? (
            <UserMessage key={message.id} message={message} />
          ) : message.role === "assistant" ? (
            <AssistantMessage key={message.id} message={message} modelName={modelName(message.model)} />
          ) : null,
        )}
      </div>
    </div>
  );
}

const UserMessage = memo(function UserMessage({ message }: { message: RoomMessage }) {
  return (
    <div
      className="flex flex-col items-end gap-1 motion-safe:animate-fade-in"
      data-testid="user-message"
      data-message-id={message.id}
    >
      <div className="max-w-[85%] rounded-bubble rounded-br-md bg-subtle px-4 py-2.5 leading-relaxed break-words whitespace-pre-wrap">
        {message.content}
      </div>
      {message.failed && <p className="text-xs text-danger">Not sent</p>}
    </div>
  );
});

/** A note under an answer that did not end normally (stopped answers say so in the meta line). */
function StatusNote({ message }: { message: RoomMessage }) {
  let text: string | null = null;
  let tone = "text-muted";
  switch (message.status) {
    case "interrupted":
      text = "Interrupted — the answer was cut off before it finished.";
      tone = "text-warn";
      break;
    case "error":
      text = message.error?.message ? `Error: ${message.error.message}` : "Something went wrong.";
      tone = "text-danger";
      break;
    case "complete":
      if (message.finishReason === "length") text = "Reached the length limit.";
      else if (message.finishReason === "content_filter") text = "Stopped by the provider's content filter.";
      break;
    case "stopped":
    case "streaming":
      break;
  }
  if (!text) return null;
  return (
    <p data-testid="message-status" className={`mt-2 text-[13px] ${tone}`}>
      {text}
    </p>
  );
}

const AssistantMessage = memo(function AssistantMessage({
  message,
  modelName,
}: {
  message: RoomMessage;
  modelName: string | null;
}) {
  const streaming = message.status === "streaming";
  const meta = [
    modelName,
    message.usage ? formatTokens(message.usage) : null,
    message.usage ? formatCost(message.usage.costUsd) : null,
  ].filter(Boolean);
  return (
    <article
      data-testid="assistant-message"
      data-message-id={message.id}
      data-status={message.status}
      aria-busy={streaming}
      className="group"
    >
      {message.reasoning && (
        <details className="mb-3 rounded-xl border border-line px-3 py-2 text-sm text-muted">
          <summary className="cursor-pointer select-none">Reasoning</summary>
          <div className="mt-2 leading-relaxed whitespace-pre-wrap">{message.reasoning}</div>
        </details>
      )}
      <MessageText content={message.content} streaming={streaming} />
      <StatusNote message={message} />
      {!streaming && (meta.length > 0 || message.status === "stopped") && (
        <p className="mt-2 flex flex-wrap items-center gap-x-1.5 text-xs text-muted">
          {message.status === "stopped" && (
            <span data-testid="message-status" className="inline-flex items-center gap-1.5 font-medium">
              <span className="inline-block size-2 rounded-[2px] bg-current" aria-hidden="true" />
              Stopped
              {meta.length > 0 && <span aria-hidden="true"> ·</span>}
            </span>
          )}
          {meta.join(" · ")}
        </p>
      )}
    </article>
  );
});
