/**
 * A conversation (or the start screen on `/`): header, message log and composer. A conversation
 * seen before renders at once from the local cache; the room's snapshot then takes over.
 *
 * The same view shows a room opened through a share link (`share`): collaborators write like the
 * owner; watchers get the live history without a composer, and can fork a copy of their own.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import type { RoomRoleName, ServerFrame } from "#protocol/frames";
import type { ConversationSummary } from "#protocol/http";
import type { Share } from "#protocol/sharing";
import { UPGRADE_CODES } from "../billing.ts";
import type { ModelsState } from "../data.ts";
import { useDraft } from "../drafts.ts";
import { useRateLimit } from "../rate-limit.ts";
import { canWrite } from "../room/reducer.ts";
import { streamingMessage } from "../room/resume.ts";
import { useRoom } from "../room/hooks.ts";
import { onLinkClick } from "../router.ts";
import { getShare } from "../api/share.ts";
import { toast } from "../toasts.ts";
import { AttachmentAccess } from "./AttachmentList.tsx";
import { useEscapeStops, useMessageCommands, useSend } from "./ChatActions.ts";
import { ChatHeader } from "./ChatHeader.tsx";
import { ReadOnlyBar, Skeleton } from "./ChatPlaceholders.tsx";
import { Composer } from "./Composer.tsx";
import { useComposerExtras } from "./ComposerExtras.tsx";
import { Greeting } from "./Greeting.tsx";
import { LimitHint } from "./LimitHint.tsx";
import { LinkInactive, TooManyTabs, UpgradeLink } from "./lazy-parts.ts";
import { MessageList } from "./Messages.tsx";
import { BusyContext } from "./MessageActions.tsx";
import { TypingIndicator } from "./TypingIndicator.tsx";

const loadShareDialog = () => import("./ShareDialog.tsx");
const ShareDialog = lazy(loadShareDialog);

/** A room opened through someone's share link. */
export interface SharedRoom {
  token: string;
  /** The role the link gives (until the room's snapshot says otherwise). */
  role: RoomRoleName;
  /** "Fork to my chats": copy the conversation into one's own history. */
  onFork: () => void;
  forking: boolean;
}

export interface ChatViewProps {
  /** null on `/` (a new chat: the conversation is created on the first send). */
  conversationId: string | null;
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
  /** Opened through a share link (the conversation belongs to someone else). */
  share?: SharedRoom;
}

export function ChatView({
  conversationId,
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
  share,
}: ChatViewProps) {
  const [view, room] = useRoom(conversationId, share ? {} : { onActivity }, share?.token);
  const [shareOpen, setShareOpen] = useState(false);
  /** The owner's live link: undefined until known. */
  const [ownShare, setOwnShare] = useState<Share | null | undefined>(undefined);
  const limit = useRateLimit(models.model);

  const { state } = view;
  const live = streamingMessage(state);
  const awaitingEcho = state.messages.some((m) => m.pending);
  const busy = live !== undefined || awaitingEcho;
  const role: RoomRoleName = state.self?.role ?? share?.role ?? "owner";
  const writable = canWrite(role);
  const isOwner = role === "owner" && !share;
  const linkInactive = share !== undefined && (view.linkInactive || state.deleted);
  // Access lost without a link (4403 on one's own room) reads as "not found" too.
  const notFound = !linkInactive && (view.notFound || view.linkInactive || state.deleted);
  const title = notFound ? "Not found" : state.title?.trim() || knownTitle?.trim() || "New chat";
  const shared =
    share !== undefined || Boolean(ownShare) || state.people.some((person) => person.role !== "owner");

  // Whether this chat has a live link (for the "Live" pill), asked once the room is up.
  const synced = state.synced;
  useEffect(() => {
    if (!conversationId || !isOwner || !synced || ownShare !== undefined) return;
    let cancelled = false;
    getShare(conversationId).then(
      (result) => !cancelled && setOwnShare(result.share),
      () => !cancelled && setOwnShare(null),
    );
    return () => {
      cancelled = true;
    };
  }, [conversationId, isOwner, synced, ownShare]);

  useEffect(() => {
    document.title = conversationId || notFound ? `${title} · Parley` : "New chat · Parley";
  }, [conversationId, notFound, title]);

  useEffect(() => {
    if (state.deleted && !share) toast.info("This chat was deleted.");
  }, [state.deleted, share]);

  const extras = useComposerExtras(models.models.find((m) => m.id === models.model));
  const [draft, setDraft] = useDraft(conversationId, room, state.messages, extras.restore);
  const { onSend } = useSend(room, conversationId, models, extras, onCreated);

  const onStop = useCallback(() => room?.stop(), [room]);

  const onDraftChange = useCallback(
    (text: string) => {
      setDraft(text);
      room?.draftChanged(text.trim().length > 0);
    },
    [room, setDraft],
  );

  useEscapeStops(room, busy, writable);

  const commands = useMessageCommands(room, writable, models, state.messages, extras.optionsFor);

  const loading = conversationId !== null && !state.synced && state.messages.length === 0 && !notFound;
  const crowd = state.people.length > 1;
  // Limits are explained by the hint under the composer instead.
  const roomError =
    state.error?.code === "rate_limited" || state.error?.code === "quota_exhausted" ? null : state.error;

  return (
    <>
      <ChatHeader
        key={conversationId ?? "new"}
        title={linkInactive ? "" : conversationId || notFound ? title : ""}
        onRename={
          conversationId && !notFound && isOwner && onRename
            ? (next) => onRename(conversationId, next)
            : undefined
        }
        viewers={state.viewers}
        people={state.people}
        selfId={state.self?.id ?? null}
        live={shared}
        onShare={
          conversationId && isOwner && !notFound
            ? () => {
                void loadShareDialog();
                setShareOpen(true);
              }
            : undefined
        }
        connection={
          conversationId && !notFound && !linkInactive && !view.tooManyTabs ? view.connection : null
        }
        sidebarCollapsed={sidebarCollapsed}
        onOpenSidebar={onOpenSidebar}
        onExpandSidebar={onExpandSidebar}
        onNewChat={onNewChat}
      />

      {linkInactive ? (
        <Suspense fallback={<div className="flex-1" />}>
          <LinkInactive />
        </Suspense>
      ) : view.tooManyTabs && !notFound ? (
        <Suspense fallback={<div className="flex-1" />}>
          <TooManyTabs />
        </Suspense>
      ) : notFound ? (
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
          <AttachmentAccess.Provider value={share?.token}>
            <BusyContext.Provider value={busy}>
              <MessageList
                key={conversationId ?? "new"}
                room={room}
                messages={state.messages}
                models={models.models}
                synced={conversationId === null || state.synced}
                commands={commands}
                empty={
                  loading ? (
                    <Skeleton />
                  ) : !writable || share ? (
                    <p className="pt-16 text-center text-sm text-muted">
                      Nothing here yet. New messages appear live.
                    </p>
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
            </BusyContext.Provider>
          </AttachmentAccess.Provider>
          {roomError && (
            <div className="mx-auto w-full max-w-3xl px-3 pb-2 sm:px-6">
              <div
                role="alert"
                data-testid="room-error"
                data-code={roomError.code}
                className="flex items-start gap-3 rounded-xl border border-danger/30 bg-danger/5 px-3.5 py-2.5 text-sm text-danger"
              >
                <span className="flex-1">{roomError.message}</span>
                {UPGRADE_CODES.has(roomError.code) && (
                  <Suspense fallback={null}>
                    <UpgradeLink className="text-xs text-accent" />
                  </Suspense>
                )}
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
          {crowd && <TypingIndicator people={state.people} selfId={state.self?.id ?? null} />}
          {writable ? (
            <Composer
              draft={draft}
              onDraftChange={onDraftChange}
              onBlur={() => room?.typingStopped()}
              onSend={onSend}
              onStop={onStop}
              busy={busy}
              disabled={(conversationId !== null && room === null) || limit.limited}
              models={models.models}
              model={models.model}
              onModelChange={models.setModel}
              pickerOpen={pickerOpen}
              onPickerOpenChange={onPickerOpenChange}
              hint={
                limit.limited || limit.remaining !== null ? <LimitHint model={models.model} /> : undefined
              }
              {...extras.composer}
            />
          ) : (
            <ReadOnlyBar onFork={share?.onFork} forking={share?.forking ?? false} />
          )}
          {writable && extras.dropOverlay}
        </>
      )}
      {shareOpen && conversationId && (
        <Suspense fallback={null}>
          <ShareDialog
            conversationId={conversationId}
            open
            onOpenChange={setShareOpen}
            people={state.people}
            selfId={state.self?.id ?? null}
            onShareChange={setOwnShare}
          />
        </Suspense>
      )}
    </>
  );
}
