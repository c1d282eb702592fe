/**
 * A path that names no page (`/nonsense/route`). Not the conversation wording: that belongs to
 * `/c/:id` alone, where a chat may have been deleted or belong to someone else.
 */
import { useEffect } from "react";
import { Compass, SquarePen } from "lucide-react";
import { onLinkClick } from "../router.ts";

export function NotFoundPage({ pathname }: { pathname: string }) {
  useEffect(() => {
    document.title = "Page not found · Parley";
  }, []);
  return (
    <div className="flex flex-1 items-center justify-center px-6 pb-[10vh]" data-testid="page-not-found">
      <div className="max-w-sm text-center">
        <span className="mx-auto mb-4 grid size-11 place-items-center rounded-full bg-subtle text-muted">
          <Compass size={20} aria-hidden />
        </span>
        <h2 className="text-lg font-semibold">Page not found</h2>
        <p className="mt-2 text-sm leading-relaxed text-muted">
          There is no page at{" "}
          <code className="rounded bg-subtle px-1 py-0.5 text-[13px] break-all">{pathname}</code>. The link
          may be mistyped or out of date.
        </p>
        <a
          href="/"
          onClick={onLinkClick}
          className="mt-5 inline-flex h-10 items-center gap-2 rounded-full bg-accent px-5 text-sm font-medium text-accent-ink hover:bg-accent-hover"
        >
          <SquarePen size={15} aria-hidden />
          Start a new chat
        </a>
      </div>
    </div>
  );
}
