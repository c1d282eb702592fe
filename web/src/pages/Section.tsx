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
