/**
 * A conversation (or the start screen on `/`): header, message log and composer. A conversation
 * seen before renders at once from the local cache; the room's snapshot then takes over.
 */
import { useCallback, useEffect, useState } from "react";
import type { ConversationSummary, ServerFrame } from "../../../worker/protocol/index.ts";
import { createConversation, describeError } from "../api.ts";
import type { ModelsState } from "../data.ts";
import { useRateLimit } from "../rate-limit.ts";
import { streamingMessage } from "../room-reducer.ts";
import { queueFirstMessage, useRoom } from "../room.ts";
import { navigate, onLinkClick } from "../router.ts";
import { toast } from "../toasts.ts";
import { ChatHeader } from "./ChatHeader.tsx";
import { Composer } from "./Composer.tsx";
import { Greeting } from "./Greeting.tsx";
import { LimitHint } from "./LimitHint.tsx";
import { MessageList } from "./Messages.tsx";

export interface ChatViewProps {
  /** null on `/` (a new chat: the conversation is created on the first send). */
  conversationId: string | null;
  /** The path matched no page. */
  missing?: boolean;
  knownTitle?: string;
  models: ModelsState;
  onActivity?: (frame: ServerFrame) => void;
  onCreated?: (conversation: ConversationSummary) => void;
  onRename?: (id: string, title: string) => void;
  sidebarCollapsed: boolean;
  onOpenSidebar: () => void;
  onExpandSidebar: () => void;
  onNewChat: () => void;
  pickerOpen: boolean;
  onPickerOpenChange: (open: boolean) => void;
}

export function ChatView({
  conversationId,
  missing = false,
  knownTitle,
  models,
  onActivity,
  onCreated,
  onRename,
  sidebarCollapsed,
  onOpenSidebar,
  onExpandSidebar,
  onNewChat,
  pickerOpen,
  onPickerOpenChange,
}: ChatViewProps) {
  const [view, room] = useRoom(conversationId, { onActivity });
  const [draft, setDraft] = useState("");
  const [creating, setCreating] = useState(false);
  const limit = useRateLimit();

  const { state } = view;
  const live = streamingMessage(state);
  const awaitingEcho = state.messages.some((m) => m.pending);
  const busy = live !== undefined || awaitingEcho;
  const notFound = missing || view.notFound || state.deleted;
  const title = notFound ? "Not found" : state.title?.trim() || knownTitle?.trim() || "New chat";

  useEffect(() => {
    document.title = conversationId || notFound ? `${title} · Parley` : "New chat · Parley";
  }, [conversationId, notFound, title]);

  useEffect(() => {
    if (state.deleted) toast.info("This chat was deleted.");
  }, [state.deleted]);

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
      try {
        const conversation = await createConversation(model);
        queueFirstMessage(conversation.id, text, model);
        onCreated?.(conversation);
        navigate(`/c/${encodeURIComponent(conversation.id)}`);
        return true;
      } catch (error) {
        toast.error(describeError(error, "Could not start the conversation."));
        return false;
      } finally {
        setCreating(false);
      }
    },
    [room, conversationId, models.model, onCreated],
  );

  const onStop = useCallback(() => room?.stop(), [room]);

  // Esc stops the answer from anywhere on the page (unless a dialog or menu takes it first).
  useEffect(() => {
    if (!busy) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (document.querySelector('[role="dialog"], [role="menu"]')) return;
      room?.stop();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy, room]);

  const onRetry = useCallback(
    (assistantId: string) => {
      const messages = room?.getView().state.messages ?? [];
      const index = messages.findIndex((m) => m.id === assistantId);
      const prompt = messages
        .slice(0, Math.max(index, 0))
        .findLast((m) => m.role === "user" && !m.failed)?.content;
      const model = models.model;
      if (room && prompt && model) room.send(prompt, model);
    },
    [room, models.model],
  );

  const loading = conversationId !== null && !state.synced && state.messages.length === 0 && !notFound;
  // Limits are explained by the hint under the composer instead.
  const roomError =
    state.error?.code === "rate_limited" || state.error?.code === "quota_exhausted" ? null : state.error;

  return (
    <>
      <ChatHeader
        key={conversationId ?? "new"}
        title={conversationId || notFound ? title : ""}
        onRename={
          conversationId && !notFound && onRename ? (next) => onRename(conversationId, next) : undefined
        }
        viewers={state.viewers}
        connection={conversationId && !notFound ? view.connection : null}
        sidebarCollapsed={sidebarCollapsed}
        onOpenSidebar={onOpenSidebar}
        onExpandSidebar={onExpandSidebar}
        onNewChat={onNewChat}
      />

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
              className="mt-5 inline-flex h-10 items-center rounded-full bg-accent px-5 text-sm font-medium text-accent-ink hover:bg-accent-hover"
            >
              Start a new chat
            </a>
          </div>
        </div>
      ) : (
        <>
          <MessageList
            key={conversationId ?? "new"}
            messages={state.messages}
            models={models.models}
            synced={conversationId === null || state.synced}
            onRetry={onRetry}
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
          {roomError && (
            <div className="mx-auto w-full max-w-3xl px-3 pb-2 sm:px-6">
              <div
                role="alert"
                className="flex items-start gap-3 rounded-xl border border-danger/30 bg-danger/5 px-3.5 py-2.5 text-sm text-danger"
              >
                <span className="flex-1">{roomError.message}</span>
                <button
                  type="button"
                  className="text-xs font-medium underline underline-offset-2"
                  onClick={() => room?.dismissError()}
                >
                  Dismiss
                </button>
              </div>
            </div>
          )}
          <Composer
            draft={draft}
            onDraftChange={setDraft}
            onSend={onSend}
            onStop={onStop}
            busy={busy}
            disabled={creating || (conversationId !== null && room === null) || limit.limited}
            models={models.models}
            model={models.model}
            onModelChange={models.setModel}
            pickerOpen={pickerOpen}
            onPickerOpenChange={onPickerOpenChange}
            hint={limit.limited || limit.remaining !== null ? <LimitHint /> : undefined}
          />
        </>
      )}
    </>
  );
}

function Skeleton() {
  return (
    <div className="space-y-8" aria-hidden="true">
      <div className="ml-auto h-11 w-2/5 animate-skeleton rounded-bubble bg-subtle" />
      <div className="space-y-3">
        <div className="h-3.5 w-11/12 animate-skeleton rounded bg-subtle" />
        <div className="h-3.5 w-4/5 animate-skeleton rounded bg-subtle" />
        <div className="h-3.5 w-3/5 animate-skeleton rounded bg-subtle" />
      </div>
    </div>
  );
}
