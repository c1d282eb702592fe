import type { ReactNode } from "react";

/** A settings section: a title, one line on what it is for, then its controls. */
export function Section({
  id,
  title,
  description,
  children,
}: {
  id?: string;
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      id={id}
      aria-labelledby={id ? `${id}-title` : undefined}
      className="border-b border-line py-7 last:border-0"
    >
      <h2 id={id ? `${id}-title` : undefined} className="text-[15px] font-semibold focus:outline-none">
        {title}
      </h2>
      <p className="mt-1 text-sm text-muted">{description}</p>
      <div className="mt-4">{children}</div>
    </section>
  );
}

export const secondaryButtonClass =
  "inline-flex h-9 shrink-0 items-center justify-center gap-2 rounded-xl border border-line bg-surface px-3.5 text-sm font-medium transition-colors hover:border-line-strong hover:bg-hover disabled:cursor-not-allowed disabled:opacity-60";

export const cardClass = "rounded-xl border border-line bg-surface";
