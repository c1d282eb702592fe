import { CircleAlert, Info, X } from "lucide-react";
import { dismissToast, useToasts } from "../toasts.ts";
import { CLEARANCE_VARIABLE } from "./bottom-clearance.ts";

/**
 * Toasts at the bottom (phones) or bottom right, always above the composer (see bottom-clearance.ts);
 * announced politely. A toast may carry
 * one action (Undo), a real button reachable by keyboard.
 */
export function Toaster() {
  const toasts = useToasts();
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="toaster"
      style={{ bottom: `calc(var(${CLEARANCE_VARIABLE}, 0px) + 0.75rem)` }}
      className="pointer-events-none fixed inset-x-3 z-[60] flex flex-col items-center gap-2 sm:inset-x-auto sm:right-5 sm:items-end"
    >
      {toasts.map((toast) => (
        <div
          key={toast.id}
          data-testid="toast"
          className="pointer-events-auto flex w-full max-w-sm items-start gap-2.5 rounded-xl border border-line bg-surface py-2.5 pr-2 pl-3.5 text-sm shadow-pop motion-safe:animate-pop-in"
        >
          {toast.tone === "error" ? (
            <CircleAlert size={16} aria-hidden className="mt-0.5 shrink-0 text-danger" />
          ) : (
            <Info size={16} aria-hidden className="mt-0.5 shrink-0 text-accent" />
          )}
          <span className="flex-1 leading-snug" data-testid={toast.testId}>
            {toast.message}
          </span>
          {toast.action && (
            <button
              type="button"
              onClick={() => {
                dismissToast(toast.id);
                toast.action?.run();
              }}
              className="-my-1 h-7 shrink-0 rounded-md px-2 text-sm font-medium text-accent hover:bg-hover"
            >
              {toast.action.label}
            </button>
          )}
          <button
            type="button"
            onClick={() => dismissToast(toast.id)}
            aria-label="Dismiss"
            className="grid size-6 shrink-0 place-items-center rounded-md text-muted hover:bg-hover hover:text-ink"
          >
            <X size={14} aria-hidden />
          </button>
        </div>
      ))}
    </div>
  );
}
