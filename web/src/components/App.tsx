import { Suspense, useCallback, useEffect, useMemo, useState } from "react";
import type { ServerFrame } from "#protocol/frames";
import type { ConversationSummary } from "#protocol/http";
import { describeError } from "../api/client.ts";
import { openAuthDialog, useAuthDialog } from "../auth-dialog.ts";
import { loadBilling, planChanged, resetBilling } from "../billing.ts";
import { useConversations, useModels } from "../data.ts";
import { navigate, parseRoute, usePathname } from "../router.ts";
import { signedOut, switchingSession, useIdentityVersion, useSession } from "../session.ts";
import { useSuspended } from "../suspended.ts";
import { useShortcuts } from "../shortcuts.ts";
import { cycleTheme } from "../theme.ts";
import { toast } from "../toasts.ts";
import { ChatHeader } from "./ChatHeader.tsx";
import { ChatView } from "./ChatView.tsx";
import { modKey } from "./Kbd.tsx";
import type { PaletteAction } from "./CommandPalette.tsx";
import { Sidebar } from "./Sidebar.tsx";
import { Toaster } from "./Toaster.tsx";
import {
  AdminPage,
  AuthDialog,
  CommandPalette,
  ConfirmDelete,
  EmailLinkPage,
  NotFoundPage,
  SettingsPage,
  SharePage,
  ShortcutsSheet,
  Suspended,
  usePrefetchParts,
  VerifyEmailBanner,
} from "./lazy-parts.ts";

const SIDEBAR_KEY = "parley:sidebar-collapsed";
const isPhone = () => window.matchMedia("(max-width: 767px)").matches;

function readCollapsed(): boolean {
  try {
    return localStorage.getItem(SIDEBAR_KEY) === "1";
  } catch {
    return false;
  }
}

function focusComposer() {
  document.getElementById("composer")?.focus();
}

/**
 * The app for the person behind this browser. A sign-in, sign-up or sign-out changes the identity
 * version: everything below remounts and loads that person's chats and models (the cache of the
 * previous identity is already gone, see session.ts). A banned person sees only Suspended.
 */
export function App() {
  const identityVersion = useIdentityVersion();
  const suspended = useSuspended();
  // A ban replaces everything: the chat, the sidebar and their sockets close as Shell unmounts.
  if (suspended)
    return (
      <Suspense fallback={null}>
        <Suspended />
      </Suspense>
    );
  return <Shell key={identityVersion} />;
}

async function signOutHere(everywhere: boolean): Promise<void> {
  try {
    const { signOut } = await import("../api/account.ts");
    await switchingSession(() => signOut({ everywhere }));
  } catch (error) {
    toast.error(describeError(error, "Could not sign out."));
    return;
  }
  // The open chat belonged to the account: leave it (its room saves as it closes) before the app
  // forgets everything of that account.
  if (parseRoute(location.pathname).name === "chat") {
    navigate("/", { replace: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  toast.info(everywhere ? "Signed out on every device." : "Signed out.");
  await signedOut();
}

function Shell() {
  const pathname = usePathname();
  const route = parseRoute(pathname);
  const models = useModels();
  const reloadModels = models.reload;
  // A new plan can open or close models and changes the limits: the page follows at once.
  const onPlan = useCallback(() => {
    reloadModels();
    void planChanged();
  }, [reloadModels]);
  const conversations = useConversations({ onPlan });
  const { refreshSoon, retitle, upsert, rename, setPinned, remove } = conversations;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [drawerPath, setDrawerPath] = useState(pathname);
  const [collapsed, setCollapsed] = useState(readCollapsed);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [toDelete, setToDelete] = useState<ConversationSummary | null>(null);
  const authMode = useAuthDialog();
  const user = useSession();

  // Navigating closes the drawer (phones).
  if (drawerPath !== pathname) {
    setDrawerPath(pathname);
    setDrawerOpen(false);
  }

  usePrefetchParts();

  // An account's plan shows as a badge by its name; a guest's is read when Settings opens.
  const accountId = user?.kind === "user" ? user.id : null;
  useEffect(() => {
    if (accountId) void loadBilling();
  }, [accountId]);
  useEffect(() => resetBilling, []);

  const activeId = route.name === "chat" ? route.id : null;
  const summary = activeId ? conversations.conversations?.find((c) => c.id === activeId) : undefined;

  const onActivity = useCallback(
    (frame: ServerFrame) => {
      if (frame.type === "snapshot") return;
      if (frame.type === "title" && activeId) retitle(activeId, frame.title);
      else refreshSoon();
    },
    [refreshSoon, retitle, activeId],
  );

  const newChat = useCallback(() => {
    navigate("/");
    setDrawerOpen(false);
    requestAnimationFrame(focusComposer);
  }, []);

  const setCollapsedSaved = useCallback((value: boolean) => {
    setCollapsed(value);
    try {
      localStorage.setItem(SIDEBAR_KEY, value ? "1" : "0");
    } catch {
      // Storage disabled: remembered for this tab only.
    }
  }, []);

  const toggleSidebar = useCallback(() => {
    if (isPhone()) setDrawerOpen((open) => !open);
    else setCollapsedSaved(!collapsed);
  }, [collapsed, setCollapsedSaved]);

  const confirmDelete = useCallback(
    async (conversation: ConversationSummary) => {
      setToDelete(null);
      const { id } = conversation;
      if (id !== activeId) {
        await remove(id);
        return;
      }
      navigate("/", { replace: true });
      // Undo brings back the chat that was open, unless the person has moved on meanwhile.
      await remove(id, {
        onRestored: () => {
          if (location.pathname === "/") navigate(`/c/${encodeURIComponent(id)}`, { replace: true });
        },
      });
    },
    [activeId, remove],
  );

  useShortcuts({
    palette: () => setPaletteOpen((open) => !open),
    newChat,
    toggleSidebar,
    modelPicker: () => {
      if (route.name === "settings") return;
      setPickerOpen((open) => !open);
    },
    focusComposer,
    help: () => setHelpOpen(true),
  });

  const paletteActions = useMemo<PaletteAction[]>(
    () => [
      { id: "new", label: "New chat", icon: "new", hint: `${modKey}⇧O`, run: newChat },
      {
        id: "theme",
        label: "Switch theme (system, light, dark)",
        icon: "theme",
        run: () => void cycleTheme(),
      },
      { id: "settings", label: "Open settings", icon: "settings", run: () => navigate("/settings") },
      {
        id: "shortcuts",
        label: "Keyboard shortcuts",
        icon: "shortcuts",
        hint: "?",
        run: () => setHelpOpen(true),
      },
    ],
    [newChat],
  );

  return (
    <div className="flex h-dvh overflow-hidden">
      <a
        href="#composer"
        className="sr-only z-50 rounded-lg bg-surface px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to the composer
      </a>
      <Sidebar
        conversations={conversations.conversations}
        activeId={activeId}
        open={drawerOpen}
        onClose={() => setDrawerOpen(false)}
        collapsed={collapsed}
        onCollapse={() => setCollapsedSaved(true)}
        onNewChat={newChat}
        onSearch={() => {
          setDrawerOpen(false);
          setPaletteOpen(true);
        }}
        onRename={(id, title) => void rename(id, title)}
        onPin={(id, pinned) => void setPinned(id, pinned)}
        onDelete={setToDelete}
        user={user}
        onSignIn={() => {
          setDrawerOpen(false);
          openAuthDialog("signin");
        }}
        onSignOut={(everywhere) => void signOutHere(everywhere)}
      />
      <main className="flex min-w-0 flex-1 flex-col">
        {route.name !== "link" && user?.kind === "user" && !user.emailVerified && user.email && (
          <Suspense fallback={null}>
            <VerifyEmailBanner user={user} />
          </Suspense>
        )}
        {route.name === "settings" ||
        route.name === "admin" ||
        route.name === "link" ||
        route.name === "unknown" ? (
          <>
            <ChatHeader
              title=""
              viewers={0}
              connection={null}
              sidebarCollapsed={collapsed}
              onOpenSidebar={() => setDrawerOpen(true)}
              onExpandSidebar={() => setCollapsedSaved(false)}
              onNewChat={newChat}
            />
            <Suspense fallback={<div className="flex-1" />}>
              {route.name === "unknown" ? (
                <NotFoundPage pathname={pathname} />
              ) : route.name === "admin" ? (
                <AdminPage user={user} tab={route.tab} />
              ) : route.name === "link" ? (
                <EmailLinkPage page={route.page} user={user} onSignOut={(all) => void signOutHere(all)} />
              ) : (
                <SettingsPage
                  models={models}
                  user={user}
                  onSignIn={openAuthDialog}
                  onSignOut={(everywhere) => void signOutHere(everywhere)}
                />
              )}
            </Suspense>
          </>
        ) : route.name === "share" ? (
          <Suspense fallback={<div className="flex-1" />}>
            <SharePage
              token={route.token}
              models={models}
              onCreated={upsert}
              sidebarCollapsed={collapsed}
              onOpenSidebar={() => setDrawerOpen(true)}
              onExpandSidebar={() => setCollapsedSaved(false)}
              onNewChat={newChat}
              pickerOpen={pickerOpen}
              onPickerOpenChange={setPickerOpen}
            />
          </Suspense>
        ) : (
          <ChatView
            key={activeId ?? "new"}
            conversationId={activeId}
            knownTitle={summary?.title}
            models={models}
            onActivity={onActivity}
            onCreated={upsert}
            onRename={(id, title) => void rename(id, title)}
            sidebarCollapsed={collapsed}
            onOpenSidebar={() => setDrawerOpen(true)}
            onExpandSidebar={() => setCollapsedSaved(false)}
            onNewChat={newChat}
            pickerOpen={pickerOpen}
            onPickerOpenChange={setPickerOpen}
          />
        )}
      </main>
      <Suspense fallback={null}>
        {paletteOpen && (
          <CommandPalette
            open
            onOpenChange={setPaletteOpen}
            conversations={conversations.conversations ?? []}
            actions={paletteActions}
            onOpenConversation={(id) => navigate(`/c/${encodeURIComponent(id)}`)}
          />
        )}
        {helpOpen && <ShortcutsSheet open onOpenChange={setHelpOpen} />}
        {authMode && (
          <AuthDialog
            key={authMode}
            open
            initialMode={authMode}
            onOpenChange={(open) => !open && openAuthDialog(null)}
          />
        )}
        {toDelete && (
          <ConfirmDelete
            conversation={toDelete}
            onCancel={() => setToDelete(null)}
            onConfirm={(conversation) => void confirmDelete(conversation)}
          />
        )}
      </Suspense>
      <Toaster />
    </div>
  );
}
