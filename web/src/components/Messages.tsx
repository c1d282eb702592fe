/**
 * The message log. Every message is a memoized row of one flat keyed list (a streamed token
 * re-renders only the streaming answer, however long the chat; a finished answer keeps its DOM),
 * and finished rows far from the viewport skip layout and paint (`content-visibility`).
 *
 * The log follows new text while you are at its bottom: a ResizeObserver scrolls after the
 * browser has laid the page out anyway, so no update forces a layout of its own. Scrolled up, it
 * leaves you be and offers "Jump to latest", which goes down and follows again.
 *
 * A long chat opens with its last rows first; the rows above follow a few at a time in later
 * tasks, so the newest messages are readable (and the page usable) at once.
 */
import { memo, startTransition, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { ArrowDown } from "lucide-react";
import type { ModelInfo } from "#protocol/http";
import type { RoomMessage } from "../room/state.ts";
import { useRoomMessages } from "../room/hooks.ts";
import type { RoomClient } from "../room/client.ts";
import { AssistantMessage, UserMessage } from "./Message.tsx";
import type { MessageCommands } from "./MessageActions.tsx";

interface MessageListProps {
  /** The live room; its messages (streamed text included) are read here, not in the parent. */
  room?: RoomClient | null;
  /** The messages without a room (or as the parent last saw them). */
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
/** Rows rendered at once when a chat opens; older ones follow in batches of BATCH_ROWS. */
const FIRST_ROWS = 16;
const BATCH_ROWS = 24;

/** Index of the first message that may still change (streaming or awaiting its echo). */
function settledCount(messages: RoomMessage[]): number {
  let count = messages.length;
  for (let i = messages.length - 1; i >= Math.max(0, messages.length - 4); i--) {
    const message = messages[i]!;
    if (message.status === "streaming" || message.pending) count = i;
  }
  return count;
}

/**
 * How many of the oldest messages are not rendered yet. Starts so that only the last FIRST_ROWS
 * show, then shrinks by a batch per task until everything is there.
 */
function useDeferredRows(total: number): number {
  const [hidden, setHidden] = useState(() => Math.max(0, total - FIRST_ROWS));
  // A chat that grows from empty (history arriving) starts with its tail too.
  const [seen, setSeen] = useState(total);
  if (seen === 0 && total > 0) {
    setSeen(total);
    setHidden(Math.max(0, total - FIRST_ROWS));
  }
  const hide = Math.min(hidden, total);
  useEffect(() => {
    if (hide === 0) return;
    // A macrotask per batch: input, paint and the socket get their turn in between.
    // A transition renders in slices that yield to the browser.
    const timer = setTimeout(
      () => startTransition(() => setHidden((value) => Math.max(0, value - BATCH_ROWS))),
      0,
    );
    return () => clearTimeout(timer);
  }, [hide]);
  return hide;
}

export function MessageList({
  room = null,
  messages: fallback,
  models,
  empty,
  synced,
  commands,
}: MessageListProps) {
  const messages = useRoomMessages(room, fallback);
  const scroller = useRef<HTMLDivElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  // The same, for rendering: the jump button shows while the list does not follow.
  const [following, setFollowing] = useState(true);
  const lastLength = useRef(messages.length);

  const follow = (value: boolean) => {
    pinned.current = value;
    setFollowing(value);
  };

  // A new prompt from here always scrolls down; streamed text only while you are at the bottom.
  useLayoutEffect(() => {
    const grew = messages.length > lastLength.current && messages.at(-1)?.pending;
    lastLength.current = messages.length;
    if (grew) {
      pinned.current = true;
      setFollowing(true);
    }
  }, [messages]);

  // Follow the bottom when the log grows or the viewport shrinks, after the browser's own layout.
  useEffect(() => {
    const el = scroller.current;
    const content = log.current;
    if (!el || !content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const hidden = useDeferredRows(messages.length);
  const settled = settledCount(messages);
  const tailId = messages.at(-1)?.id;
  const rows: ReactNode[] = [];
  for (let index = hidden; index < messages.length; index++) {
    const message = messages[index]!;
    rows.push(
      <MessageItem
        key={message.id}
        message={message}
        models={models}
        isTail={message.id === tailId}
        commands={commands}
        offscreen={index < settled - 2}
      />,
    );
  }

  const streaming = messages.at(-1)?.status === "streaming";
  const jumpToLatest = () => {
    const el = scroller.current;
    if (!el) return;
    follow(true);
    el.scrollTop = el.scrollHeight;
  };

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        className="min-h-0 flex-1 overflow-y-auto [mask-image:linear-gradient(to_bottom,transparent,black_24px)] [scrollbar-gutter:stable]"
        onScroll={(event) => {
          const el = event.currentTarget;
          follow(el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX);
        }}
      >
        <div
          ref={log}
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-label="Messages"
          data-synced={synced}
          className="mx-auto flex w-full max-w-3xl flex-col gap-8 px-4 pt-6 pb-10 sm:px-6 sm:pt-10"
        >
          {messages.length === 0 && empty}
          {rows}
        </div>
      </div>
      {!following && messages.length > 0 && (
        <button
          type="button"
          onClick={jumpToLatest}
          data-testid="jump-to-latest"
          className="absolute bottom-3 left-1/2 flex h-9 -translate-x-1/2 items-center gap-1.5 rounded-full border border-line bg-surface px-3.5 text-[13px] font-medium text-ink shadow-card transition-colors hover:bg-hover motion-safe:animate-fade-in"
        >
          <ArrowDown size={15} aria-hidden />
          Jump to latest
          {streaming && <span className="size-1.5 animate-pulse rounded-full bg-accent" aria-hidden="true" />}
        </button>
      )}
    </div>
  );
}

const MessageItem = memo(function MessageItem({
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
  // A refused prompt goes back into the composer (drafts.ts): no bubble for it meanwhile.
  if (message.failed) return null;
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
});
