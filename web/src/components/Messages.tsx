/**
 * The message log, virtualized (virtua, docs/decisions/0012-virtualized-message-log.md): only the
 * rows on screen, plus a margin, are in the DOM, so opening a chat of 1,000 messages costs what
 * opening one of 20 does. Each row is memoized, so a streamed token re-renders only its answer.
 *
 * The log follows new text while you are at its bottom: a ResizeObserver scrolls after the browser
 * has laid the page out anyway, so no update forces a layout of its own. Scrolled up, it leaves you
 * be and offers "Jump to latest", which goes down and follows again. virtua keeps the row at the top
 * of the viewport in place when rows above it are measured for the first time (scroll anchoring).
 */
import { memo, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { ArrowDown } from "lucide-react";
import { Virtualizer } from "virtua";
import type { ModelInfo } from "#protocol/http";
import type { RoomMessage } from "../room/state.ts";
import { useLiveMessage, useRoomMessages } from "../room/hooks.ts";
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
/**
 * Up to this many rows, every row is mounted in the flow (virtua would first measure the viewport,
 * a frame with an empty log); longer chats are virtualized.
 */
const SHORT_CHAT = 30;
/** Rows mounted beyond each edge of the viewport at least (virtua's default). */
const MIN_BUFFER_PX = 200;

/**
 * Whether rows were just added before the first one: the older messages of a long chat arrive
 * over HTTP after the room's snapshot of the latest ones. virtua then keeps its measured sizes with
 * their rows and the distance from the end, so neither the bottom nor what you read moves.
 */
function usePrepended(rows: RoomMessage[]): boolean {
  const first = useRef<string | undefined>(undefined);
  const before = first.current;
  const now = rows[0]?.id;
  useLayoutEffect(() => {
    first.current = now;
  }, [now]);
  return before !== undefined && now !== before && rows.some((m) => m.id === before);
}

/** The messages that get a row: a refused prompt goes back into the composer (drafts.ts) instead. */
function shownMessages(messages: RoomMessage[]): RoomMessage[] {
  return messages.filter((m) => !m.failed && (m.role === "user" || m.role === "assistant"));
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
  const rows = shownMessages(messages);
  const scroller = useRef<HTMLDivElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  // The same, for rendering: the jump button shows while the list does not follow.
  const [following, setFollowing] = useState(true);
  const lastLength = useRef(messages.length);
  const lastTop = useRef(0);
  const prepended = usePrepended(rows);
  // The row holding keyboard focus stays mounted when scrolled out of view (focus is not lost).
  const [focusedId, setFocusedId] = useState<string | null>(null);
  // Rows are mounted (and measured) a viewport's height beyond each edge, so a Page Up or a wheel
  // step reveals rows already measured: rows measured above the viewport never move what is read.
  const [viewport, setViewport] = useState(0);
  // Rows added after the chat was first shown fade in; rows scrolled back into view do not.
  const freshFrom = useRef<number | null>(null);
  if (freshFrom.current === null && synced) freshFrom.current = rows.length;

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

  // A chat opens at its bottom, before the first paint (the estimated height is enough to start).
  const hasRows = rows.length > 0;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (hasRows && el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [hasRows]);

  // Follow the bottom when the log grows or the viewport shrinks, after the browser's own layout.
  useEffect(() => {
    const el = scroller.current;
    const content = log.current;
    if (!el || !content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
      for (const entry of entries) if (entry.target === el) setViewport(entry.contentRect.height);
    });
    observer.observe(content);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const tailId = messages.at(-1)?.id;
  const focusedIndex = focusedId === null ? -1 : rows.findIndex((m) => m.id === focusedId);
  const streaming = messages.at(-1)?.status === "streaming";
  const row = (message: RoomMessage, index: number) => (
    <div
      key={message.id}
      data-last-row={index === rows.length - 1 || undefined}
      // The first row carries the log's top padding: virtua measures rows, not the gap.
      className={`${index === 0 ? "pt-6 sm:pt-10" : "pt-8"} ${
        message.role === "user" && index >= (freshFrom.current ?? Infinity)
          ? "motion-safe:animate-fade-in"
          : ""
      }`}
      onFocus={() => setFocusedId(message.id)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFocusedId(null);
      }}
    >
      <MessageItem
        room={room}
        message={message}
        models={models}
        isTail={message.id === tailId}
        commands={commands}
      />
    </div>
  );

  const jumpToLatest = () => {
    const el = scroller.current;
    if (!el) return;
    follow(true);
    // The rows near the end are measured as they mount; the observer above follows what they add.
    el.scrollTop = el.scrollHeight;
  };

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        className="min-h-0 flex-1 overflow-y-auto [mask-image:linear-gradient(to_bottom,transparent,black_24px)] [scrollbar-gutter:stable]"
        onScroll={(event) => {
          const el = event.currentTarget;
          // Only a move up lets go of the bottom: the log also scrolls by itself (following, or
          // virtua keeping a row in place), and rows below may grow before that scroll is seen.
          const up = el.scrollTop < lastTop.current - 1;
          lastTop.current = el.scrollTop;
          if (el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX) follow(true);
          else if (up) follow(false);
        }}
      >
        <div
          ref={log}
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-label="Messages"
          data-synced={synced}
          className="mx-auto w-full max-w-3xl px-4 pb-10 sm:px-6"
        >
          {rows.length === 0 ? (
            <div className="pt-6 sm:pt-10">{empty}</div>
          ) : rows.length <= SHORT_CHAT ? (
            rows.map(row)
          ) : (
            <Virtualizer
              scrollRef={scroller}
              data={rows}
              shift={prepended}
              bufferSize={Math.max(MIN_BUFFER_PX, viewport)}
              keepMounted={focusedIndex >= 0 ? [focusedIndex] : undefined}
            >
              {row}
            </Virtualizer>
          )}
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
  room,
  message: listed,
  models,
  isTail,
  commands,
}: {
  room: RoomClient | null;
  message: RoomMessage;
  models: ModelInfo[];
  isTail: boolean;
  commands: MessageCommands;
}) {
  // A streaming answer follows its text here; the list above renders only when rows change.
  const message = useLiveMessage(room, listed);
  if (message.role === "user") return <UserMessage message={message} commands={commands} />;
  const modelName = message.model
    ? (models.find((m) => m.id === message.model)?.name ?? message.model)
    : null;
  return <AssistantMessage message={message} modelName={modelName} isTail={isTail} commands={commands} />;
});
