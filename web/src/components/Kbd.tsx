import type { ReactNode } from "react";

/** "⌘" on Apple platforms, "Ctrl" elsewhere. */
export const modKey =
  typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
    ? "⌘"
    : "Ctrl+";

export function Kbd({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <kbd
      className={`inline-flex h-5 min-w-5 items-center justify-center rounded border border-line bg-surface px-1 font-sans text-[10.5px] font-medium text-muted ${className}`}
    >
      {children}
    </kbd>
  );
}
