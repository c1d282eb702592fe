/**
 * The parts of Parley's forms that sign-in, settings and admin share: the input and button styles,
 * a labelled field with its error or hint line under it, and the aria attributes that tie an input
 * to that line so screen readers read it with the field.
 */
import type { ReactNode } from "react";

export const inputClass =
  "h-10 w-full rounded-xl border border-line bg-surface px-3 text-sm text-ink placeholder:text-muted/70 transition-colors hover:border-line-strong focus:border-ring focus:outline-none focus-visible:ring-2 focus-visible:ring-ring/25 aria-[invalid=true]:border-danger";

export const primaryButtonClass =
  "inline-flex h-10 items-center justify-center gap-2 rounded-xl bg-accent px-4 text-sm font-medium text-accent-ink shadow-xs transition-colors hover:bg-accent-hover disabled:cursor-not-allowed disabled:opacity-60";

export const smallPrimary = primaryButtonClass.replace("h-10", "h-9").replace("px-4", "px-3.5");

/** The quiet button beside a primary one (settings rows, plan cards, dialogs' "Cancel"). */
export const secondaryButtonClass =
  "inline-flex h-9 shrink-0 items-center justify-center gap-2 rounded-xl border border-line bg-surface px-3.5 text-sm font-medium transition-colors hover:border-line-strong hover:bg-hover disabled:cursor-not-allowed disabled:opacity-60";

export function FormField({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: string;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-[13px] font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-[13px] text-danger">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-[13px] text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** aria attributes that tie an input to its error or hint line. */
export function describedBy(id: string, error: string | null | undefined, hint?: string) {
  return {
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  } as const;
}
