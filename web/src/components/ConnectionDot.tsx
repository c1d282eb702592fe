/**
 * The header's connection dot. Its state has a name everywhere: a label next to the dot while it is
 * not live, a tooltip on hover or focus (a tap on phones) always, and the accessible name.
 */
import { useSyncExternalStore } from "react";
import type { ConnectionState } from "../room/view-store.ts";

export type ShownConnection = ConnectionState | "offline";

const LABELS: Record<ShownConnection, { short: string; long: string }> = {
  connected: { short: "Connected", long: "Connected: this chat updates live" },
  connecting: { short: "Connecting…", long: "Connecting to this chat…" },
  reconnecting: { short: "Reconnecting…", long: "Connection lost: reconnecting…" },
  offline: { short: "Offline", long: "Offline: this chat reconnects when the network is back" },
};

function subscribeOnline(listener: () => void): () => void {
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

/**
 * Without a network the room is offline, whatever its socket believes: a socket can take a while
 * to notice, and "retrying" would promise more than it can do. (`navigator.onLine` is trustworthy
 * when false only, so online the socket's own state is shown.)
 */
export function shownConnection(state: ConnectionState, online: boolean): ShownConnection {
  return online ? state : "offline";
}

export function ConnectionDot({ state }: { state: ConnectionState }) {
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
  const shown = shownConnection(state, online);
  const ok = shown === "connected";
  const { short, long } = LABELS[shown];
  return (
    <span
      role="status"
      tabIndex={0}
      aria-label={long}
      data-testid="connection"
      data-state={shown}
      className="group relative flex h-8 items-center gap-1.5 rounded-full px-1.5 text-xs text-muted outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      <span className="relative flex size-2" aria-hidden="true">
        {!ok && (
          <span
            className={`absolute inline-flex size-full rounded-full opacity-60 ${
              shown === "offline" ? "bg-danger" : "animate-ping bg-warn"
            }`}
          />
        )}
        <span
          className={`relative inline-flex size-2 rounded-full ${
            ok ? "bg-ok" : shown === "offline" ? "bg-danger" : "bg-warn"
          }`}
        />
      </span>
      <span className={ok ? "sr-only" : "max-sm:sr-only"}>{short}</span>
      <span
        aria-hidden="true"
        data-testid="connection-tooltip"
        className="pointer-events-none invisible absolute top-full right-0 z-30 mt-1.5 w-max max-w-64 rounded-lg border border-line bg-surface px-2.5 py-1.5 text-xs text-ink opacity-0 shadow-pop transition-opacity duration-100 group-hover:visible group-hover:opacity-100 group-focus:visible group-focus:opacity-100"
      >
        {long}
      </span>
    </span>
  );
}
