/**
 * `/s/:token`: a conversation someone shared by link (a separate chunk). Asks the API what the link
 * opens, then shows the same chat view through the live room (`?share=<token>`): collaborators write
 * like the owner, watchers follow along read-only and can fork a copy into their own chats. A link
 * that was revoked or rotated shows that it is no longer active.
 */
import { useCallback, useEffect, useState } from "react";
import type { ConversationSummary } from "#protocol/http";
import type { ShareInfo } from "#protocol/sharing";
import { ApiError, describeError } from "../api/client.ts";
import type { ModelsState } from "../data.ts";
import { navigate } from "../router.ts";
import { forkShare, getShareInfo } from "../api/share.ts";
import { toast } from "../toasts.ts";
import { ChatHeader } from "../components/ChatHeader.tsx";
import { ChatView } from "../components/ChatView.tsx";
import { LinkInactive } from "../components/LinkInactive.tsx";

export interface SharePageProps {
  token: string;
  models: ModelsState;
  onCreated?: (conversation: ConversationSummary) => void;
  sidebarCollapsed: boolean;
  onOpenSidebar: () => void;
  onExpandSidebar: () => void;
  onNewChat: () => void;
  pickerOpen: boolean;
  onPickerOpenChange: (open: boolean) => void;
}

type Load =
  | { kind: "loading" }
  | { kind: "inactive" }
  | { kind: "error"; message: string }
  | { kind: "ready"; info: ShareInfo };

export default function SharePage({ token, onCreated, ...chat }: SharePageProps) {
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const [forking, setForking] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setLoad({ kind: "loading" });
    getShareInfo(token).then(
      (info) => {
        if (cancelled) return;
        // The owner following their own link: their chat, with everything they can do there.
        if (info.role === "owner")
          navigate(`/c/${encodeURIComponent(info.conversation.id)}`, { replace: true });
        else setLoad({ kind: "ready", info });
      },
      (error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && (error.status === 404 || error.status === 403))
          setLoad({ kind: "inactive" });
        else setLoad({ kind: "error", message: describeError(error, "Could not open this link.") });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [token]);

  useEffect(() => {
    if (load.kind === "inactive") document.title = "Link no longer active · Parley";
  }, [load.kind]);

  const fork = useCallback(async () => {
    setForking(true);
    try {
      const conversation = await forkShare(token);
      onCreated?.(conversation);
      toast.info("Forked into your chats.");
      navigate(`/c/${encodeURIComponent(conversation.id)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setLoad({ kind: "inactive" });
      else toast.error(describeError(error, "Could not fork this chat."));
    } finally {
      setForking(false);
    }
  }, [token, onCreated]);

  if (load.kind === "ready") {
    return (
      <ChatView
        key={token}
        conversationId={load.info.conversation.id}
        knownTitle={load.info.conversation.title}
        share={{ token, role: load.info.role, onFork: () => void fork(), forking }}
        {...chat}
      />
    );
  }

  return (
    <>
      <ChatHeader
        title=""
        viewers={0}
        connection={null}
        sidebarCollapsed={chat.sidebarCollapsed}
        onOpenSidebar={chat.onOpenSidebar}
        onExpandSidebar={chat.onExpandSidebar}
        onNewChat={chat.onNewChat}
      />
      {load.kind === "inactive" ? (
        <LinkInactive />
      ) : load.kind === "error" ? (
        <div className="flex flex-1 items-center justify-center px-6" role="alert">
          <p className="max-w-sm text-center text-sm text-muted">{load.message}</p>
        </div>
      ) : (
        <div className="flex-1" aria-busy="true" />
      )}
    </>
  );
}
