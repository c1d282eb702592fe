/**
 * What the chat shows where it has nothing else to show yet, or may not: a skeleton of messages
 * while the room loads, and for people who only watch through a link a read-only bar in place
 * of the composer.
 */
import { useRef } from "react";
import { GitFork } from "lucide-react";
import { useBottomClearance } from "./bottom-clearance.ts";

/** In place of the composer for people who watch through a link. */
export function ReadOnlyBar({ onFork, forking }: { onFork: (() => void) | undefined; forking: boolean }) {
  const bar = useRef<HTMLDivElement>(null);
  useBottomClearance(bar);
  return (
    <div ref={bar} className="shrink-0 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] sm:px-6">
      <div
        data-testid="read-only"
        className="mx-auto flex w-full max-w-3xl items-center gap-3 rounded-card border border-line bg-surface px-4 py-2.5 shadow-card"
      >
        <span className="inline-flex size-2 shrink-0 rounded-full bg-ok" aria-hidden="true" />
        <p className="min-w-0 flex-1 text-sm text-muted">Watching live · read-only</p>
        {onFork && (
          <button
            type="button"
            onClick={onFork}
            disabled={forking}
            className="flex h-9 shrink-0 items-center gap-1.5 rounded-full border border-line px-3.5 text-sm font-medium transition-colors hover:bg-hover disabled:opacity-50 max-sm:h-10"
          >
            <GitFork size={15} aria-hidden />
            {forking ? "Forking…" : "Fork to my chats"}
          </button>
        )}
      </div>
    </div>
  );
}

export function Skeleton() {
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
