import { useCallback, useEffect, useState } from "react";
import type { ConversationSummary, ServerFrame } from "../../../worker/protocol/index.ts";
import { ApiError, createConversation } from "../api.ts";
import type { ModelsState } from "../data.ts";
import { streamingMessage } from "../room-reducer.ts";
import { queueFirstMessage, useRoom } from "../room.ts";
import { navigate, onLinkClick } from "../router.ts";
import { Composer } from "./Composer.tsx";
import { ConnectionDot } from "./ConnectionDot.tsx";
import { MenuIcon } from "./Icons.tsx";
import { MessageList } from "./Messages.tsx";

interface ChatViewProps {
  /** null on `/` (a new chat: the conversation is created on the first send). */
  conversationId: string | null;
  /** The path matched no page. */
  missing?: boolean;
  knownTitle?: string;
  models: ModelsState;
  onActivity?: (frame: ServerFrame) => void;
  onCreated?: (conversation: ConversationSummary) => void;
  onOpenSidebar: () => void;
}

const EXAMPLES = [
  {
    title: "Explain a concept",
    prompt: "Explain how a Durable Object differs from a regular Worker, with an example.",
  },
  {
    title: "Write some code",
    prompt: "Write a TypeScript function that debounces another function, with tests.",
  },
  { title: "Plan something", prompt: "Plan a relaxed three-day trip to Lisbon for someone who loves food." },
  {
    title: "Improve a text",
    prompt: "Make this clearer and friendlier: “Your request could not be processed.”",
  },
];

export function ChatView({
  conversationId,
  missing = false,
  knownTitle,
  models,
  onActivity,
  onCreated,
  onOpenSidebar,
}: ChatViewProps) {
  const [view, room] = useRoom(conversationId, { onActivity });
  const [draft, setDraft] = useState("");
  const [creating, setCreating] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  const { state } = view;
  const live = streamingMessage(state);
  const awaitingEcho = state.messages.some((m) => m.pending);
  const busy = live !== undefined || awaitingEcho;
  const notFound = missing || view.notFound;
  const title = notFound ? "Not found" : state.title?.trim() || knownTitle?.trim() || "New chat";

  useEffect(() => {
    if (conversationId) document.title = `${title} · Parley`;
  }, [conversationId, title]);

  const onSend = useCallback(
    async (text: string): Promise<boolean> => {
      const model = models.model;
      if (!model) return false;
      if (room) {
        room.send(text, model);
        return true;
      }
      if (conversationId) return false; // The room is still being set up.
      setCreating(true);
      setStartError(null);
      try {
        const conversation = await createConversation(model);
        queueFirstMessage(conversation.id, text, model);
        onCreated?.(conversation);
        navigate(`/c/${encodeURIComponent(conversation.id)}`);
        return true;
      } catch (error) {
        setStartError(error instanceof ApiError ? error.message : "Could not start the conversation.");
        return false;
      } finally {
        setCreating(false);
      }
    },
    [room, conversationId, models.model, onCreated],
  );

  const onStop = useCallback(() => room?.stop(), [room]);

  const loading = conversationId !== null && !state.synced && state.messages.length === 0 && !notFound;
  const roomError = state.error;

  return (
    <>
      <header className="flex h-14 shrink-0 items-center gap-2 px-3 sm:px-5">
        <button
          type="button"
          onClick={onOpenSidebar}
          className="grid size-9 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink md:hidden"
          aria-label="Open sidebar"
        >
          <MenuIcon />
        </button>
        <h1 className="min-w-0 truncate text-[15px] font-medium">
          {conversationId || notFound ? title : ""}
        </h1>
        <div className="ml-auto flex shrink-0 items-center gap-3">
          {state.viewers > 1 && (
            <span className="rounded-full bg-subtle px-2 py-0.5 text-xs text-muted" data-testid="viewers">
              {state.viewers} watching
            </span>
          )}
          {conversationId && !notFound && <ConnectionDot state={view.connection} />}
        </div>
      </header>

      {notFound ? (
        <div className="flex flex-1 items-center justify-center px-6" data-testid="not-found">
          <div className="max-w-sm text-center">
            <h2 className="text-lg font-semibold">Conversation not found</h2>
            <p className="mt-2 text-sm leading-relaxed text-muted">
              It may have been deleted, or it belongs to someone else.
            </p>
            <a
              href="/"
              onClick={onLinkClick}
              className="mt-5 inline-flex h-9 items-center rounded-full bg-accent px-4 text-sm font-medium text-accent-ink hover:bg-accent-hover"
            >
              Start a new chat
            </a>
          </div>
        </div>
      ) : (
        <>
          <MessageList
            messages={state.messages}
            models={models.models}
            synced={conversationId === null || state.synced}
            empty={
              loading ? (
                <Skeleton />
              ) : (
                <Greeting
                  onPick={(prompt) => {
                    setDraft(prompt);
                    document.getElementById("composer")?.focus();
                  }}
                />
              )
            }
          />
          {(roomError || startError || models.error) && (
            <div className="mx-auto w-full max-w-3xl px-3 pb-2 sm:px-6">
              <div
                role="alert"
                className="flex items-start gap-3 rounded-xl border border-danger/30 bg-danger/5 px-3.5 py-2.5 text-sm text-danger"
              >
                <span className="flex-1">{roomError?.message ?? startError ?? models.error}</span>
                {roomError && (
                  <button
                    type="button"
                    className="text-xs underline underline-offset-2"
                    onClick={() => room?.dismissError()}
                  >
                    Dismiss
                  </button>
                )}
              </div>
            </div>
          )}
          <Composer
            draft={draft}
            onDraftChange={setDraft}
            onSend={onSend}
            onStop={onStop}
            busy={busy}
            disabled={creating || (conversationId !== null && room === null)}
            models={models.models}
            model={models.model}
            onModelChange={models.setModel}
          />
        </>
      )}
    </>
  );
}

function Greeting({ onPick }: { onPick: (prompt: string) => void }) {
  return (
    <div className="flex flex-col items-center pt-[12vh] text-center motion-safe:animate-fade-in">
      <h2 className="text-2xl font-semibold tracking-tight">What’s on your mind?</h2>
      <p className="mt-2 text-sm text-muted">
        Every chat is a live room: open it anywhere and watch it stream.
      </p>
      <div className="mt-8 grid w-full grid-cols-1 gap-2.5 sm:grid-cols-2">
        {EXAMPLES.map((example) => (
          <button
            key={example.title}
            type="button"
            onClick={() => onPick(example.prompt)}
            className="rounded-xl border border-line bg-surface px-4 py-3 text-left transition-colors hover:border-line-strong hover:bg-canvas"
          >
            <span className="block text-sm font-medium">{example.title}</span>
            <span className="mt-0.5 line-clamp-2 block text-[13px] leading-snug text-muted">
              {example.prompt}
            </span>
          </button>
        ))}
      </div>
    </div>
  );
}

function Skeleton() {
  return (
    <div className="space-y-7" aria-hidden="true">
      <div className="ml-auto h-10 w-2/5 animate-pulse rounded-bubble bg-subtle" />
      <div className="space-y-2.5">
        <div className="h-3.5 w-11/12 animate-pulse rounded bg-subtle" />
        <div className="h-3.5 w-4/5 animate-pulse rounded bg-subtle" />
        <div className="h-3.5 w-3/5 animate-pulse rounded bg-subtle" />
      </div>
    </div>
  );
}
