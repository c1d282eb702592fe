import { useCallback, useEffect, useState } from "react";
import type { ServerFrame } from "../../../worker/protocol/index.ts";
import { useConversations, useModels } from "../data.ts";
import { parseRoute, usePathname } from "../router.ts";
import { ChatView } from "./ChatView.tsx";
import { Sidebar } from "./Sidebar.tsx";

export function App() {
  const pathname = usePathname();
  const route = parseRoute(pathname);
  const models = useModels();
  const { conversations, refreshSoon, upsert } = useConversations();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [drawerPath, setDrawerPath] = useState(pathname);

  // Navigating closes the drawer (phones).
  if (drawerPath !== pathname) {
    setDrawerPath(pathname);
    setDrawerOpen(false);
  }

  const onActivity = useCallback(
    (frame: ServerFrame) => {
      if (frame.type === "snapshot") return;
      refreshSoon();
    },
    [refreshSoon],
  );

  const activeId = route.name === "chat" ? route.id : null;
  const summary = activeId ? conversations?.find((c) => c.id === activeId) : undefined;

  useEffect(() => {
    if (route.name === "new") document.title = "New chat · Parley";
  }, [route.name]);

  return (
    <div className="flex h-dvh overflow-hidden">
      <Sidebar
        conversations={conversations}
        activeId={activeId}
        open={drawerOpen}
        onClose={() => setDrawerOpen(false)}
      />
      <main className="flex min-w-0 flex-1 flex-col">
        {route.name === "unknown" ? (
          <ChatView
            key="unknown"
            conversationId={null}
            missing
            models={models}
            onOpenSidebar={() => setDrawerOpen(true)}
          />
        ) : (
          <ChatView
            key={activeId ?? "new"}
            conversationId={activeId}
            knownTitle={summary?.title}
            models={models}
            onActivity={onActivity}
            onCreated={upsert}
            onOpenSidebar={() => setDrawerOpen(true)}
          />
        )}
      </main>
    </div>
  );
}
