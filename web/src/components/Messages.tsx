/**
 * The message log. Finished messages are memoized as one block (a streamed token re-renders only
 * the streaming answer, however long the chat) and skip layout off-screen (`content-visibility`).
 */
import { memo, useLayoutEffect, useRef, type ReactNode } from "react";
import type { ModelInfo } from "../../../worker/protocol/index.ts";
import type { RoomMessage } from "../room-reducer.ts";
import { AssistantMessage, UserMessage } from "./Message.tsx";
import type { MessageCommands } from "./MessageActions.tsx";

interface MessageListProps {
  messages: RoomMessage[];
  models: ModelInfo[];
  /** Rendered when there are no messages (greeting, skeleton). */
  empty?: ReactNode;
  /** The list shows the server's state (snapshot received), not a cached copy. */
  synced: boolean;
  commands: MessageCommands;
}

/** Within this distance of the bottom the list follows new text; further up, it leaves you be. */
const STICK_PX = 120;

/** Index of the first message that may still change (streaming or awaiting its echo). */
function settledCount(messages: RoomMessage[]): number {
  let count = messages.length;
  for (let i = messages.length - 1; i >= Math.max(0, messages.length - 4); i--) {
    const message = messages[i]!;
    if (message.status === "streaming" || message.pending) count = i;
  }
  return count;
}

export function MessageList({ messages, models, empty, synced, commands }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const lastLength = useRef(messages.length);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // A new prompt from here always scrolls down; streamed text only while you are at the bottom.
    const grew = messages.length > lastLength.current && messages.at(-1)?.pending;
    lastLength.current = messages.length;
    if (pinned.current || grew) {
      el.scrollTop = el.scrollHeight;
      pinned.current = true;
    }
  }, [messages]);

  const settled = settledCount(messages);
  const tailId = messages.at(-1)?.id;

  return (
    <div
      ref={scroller}
      className="min-h-0 flex-1 overflow-y-auto [mask-image:linear-gradient(to_bottom,transparent,black_24px)] [scrollbar-gutter:stable]"
      onScroll={(event) => {
        const el = event.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      <div
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Messages"
        data-synced={synced}
        className="mx-auto flex w-full max-w-3xl flex-col gap-8 px-4 pt-6 pb-10 sm:px-6 sm:pt-10"
      >
        {messages.length === 0 && empty}
        <History messages={messages} count={settled} models={models} tailId={tailId} commands={commands} />
        {messages.slice(settled).map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            models={models}
            isTail={message.id === tailId}
            commands={commands}
          />
        ))}
      </div>
    </div>
  );
}

interface HistoryProps {
  messages: RoomMessage[];
  count: number;
  models: ModelInfo[];
  tailId: string | undefined;
  commands: MessageCommands;
}

/** The settled messages; re-renders only when one of them (not the streaming one) changes. */
const History = memo(
  function History({ messages, count, models, tailId, commands }: HistoryProps) {
    return messages
      .slice(0, count)
      .map((message, index) => (
        <MessageItem
          key={message.id}
          message={message}
          models={models}
          isTail={message.id === tailId}
          commands={commands}
          offscreen={index < count - 2}
        />
      ));
  },
  (before, after) => {
    if (
      before.count !== after.count ||
      before.models !== after.models ||
      before.tailId !== after.tailId ||
      before.commands !== after.commands
    )
      return false;
    for (let i = 0; i < after.count; i++) if (before.messages[i] !== after.messages[i]) return false;
    return true;
  },
);

function MessageItem({
  message,
  models,
  isTail,
  commands,
  offscreen = false,
}: {
  message: RoomMessage;
  models: ModelInfo[];
  isTail: boolean;
  commands: MessageCommands;
  offscreen?: boolean;
}) {
  if (message.role === "user")
    return <UserMessage message={message} offscreen={offscreen} commands={commands} />;
  if (message.role !== "assistant") return null;
  const modelName = message.model
    ? (models.find((m) => m.id === message.model)?.name ?? message.model)
    : null;
  return (
    <AssistantMessage
      message={message}
      modelName={modelName}
      isTail={isTail}
      commands={commands}
      offscreen={offscreen}
    />
  );
}
