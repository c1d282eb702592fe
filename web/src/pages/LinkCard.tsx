/** The centered card the pages behind mailed links show: an icon, a title, a line, actions. */
import type { ReactNode } from "react";
import type { LucideIcon } from "lucide-react";

export function LinkCard({
  icon: Icon,
  tone = "accent",
  title,
  children,
  actions,
  testId,
  spinning = false,
}: {
  icon: LucideIcon;
  tone?: "accent" | "danger" | "muted";
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  spinning?: boolean;
}) {
  const toneClass =
    tone === "danger"
      ? "bg-danger/10 text-danger"
      : tone === "muted"
        ? "bg-subtle text-muted"
        : "bg-accent-soft text-accent";
  return (
    <div className="flex flex-1 items-center justify-center overflow-y-auto px-6 pb-16">
      <div className="w-full max-w-sm text-center" data-testid={testId} role="status" aria-live="polite">
        <span className={`mx-auto mb-4 grid size-12 place-items-center rounded-full ${toneClass}`}>
          <Icon size={22} aria-hidden className={spinning ? "motion-safe:animate-spin" : undefined} />
        </span>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {children && <div className="mt-2 text-sm leading-relaxed text-muted">{children}</div>}
        {actions && <div className="mt-6 flex flex-wrap items-center justify-center gap-2">{actions}</div>}
      </div>
    </div>
  );
}
