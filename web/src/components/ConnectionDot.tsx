import type { ConnectionState } from "../room-view-store.ts";

const LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
};

export function ConnectionDot({ state }: { state: ConnectionState }) {
  const ok = state === "connected";
  return (
    <span
      role="status"
      data-testid="connection"
      data-state={state}
      title={ok ? "Connected: this chat updates live" : LABELS[state]}
      className="flex items-center gap-1.5 text-xs text-muted"
    >
      <span className="relative flex size-2">
        {!ok && (
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-warn opacity-60" />
        )}
        <span className={`relative inline-flex size-2 rounded-full ${ok ? "bg-ok" : "bg-warn"}`} />
      </span>
      <span className={ok ? "sr-only" : "max-sm:sr-only"}>{LABELS[state]}</span>
    </span>
  );
}
