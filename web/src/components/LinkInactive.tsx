/** What a share link shows once it was revoked or rotated (or never existed). */
import { Link2Off } from "lucide-react";
import { onLinkClick } from "../router.ts";

export function LinkInactive() {
  return (
    <div className="flex flex-1 items-center justify-center px-6" data-testid="link-inactive">
      <div className="max-w-sm text-center">
        <span className="mx-auto mb-4 grid size-11 place-items-center rounded-full bg-subtle text-muted">
          <Link2Off size={20} aria-hidden />
        </span>
        <h2 className="text-lg font-semibold">This link is no longer active</h2>
        <p className="mt-2 text-sm leading-relaxed text-muted">
          Whoever shared this chat stopped sharing it or made a new link. Ask them for the current one.
        </p>
        <a
          href="/"
          onClick={onLinkClick}
          className="mt-5 inline-flex h-10 items-center rounded-full bg-accent px-5 text-sm font-medium text-accent-ink hover:bg-accent-hover"
        >
          Start your own chat
        </a>
      </div>
    </div>
  );
}
