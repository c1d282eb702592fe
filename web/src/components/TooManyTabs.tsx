/**
 * What a conversation shows when its room turned this tab's socket away: the person already has
 * as many open on it as the server allows (close code 4429, docs/security.md). The tab does not
 * keep retrying; closing other tabs and reloading brings it back.
 */
import { AppWindow } from "lucide-react";

export const TOO_MANY_TABS_MESSAGE = "Parley is open in too many tabs for this conversation.";

export function TooManyTabs() {
  return (
    <div className="flex flex-1 items-center justify-center px-6" data-testid="too-many-tabs" role="alert">
      <div className="max-w-sm text-center">
        <span className="mx-auto mb-4 grid size-11 place-items-center rounded-full bg-subtle text-muted">
          <AppWindow size={20} aria-hidden />
        </span>
        <h2 className="text-lg font-semibold">{TOO_MANY_TABS_MESSAGE}</h2>
        <p className="mt-2 text-sm leading-relaxed text-muted">
          Close some of them (here or on your other devices) and reload this page.
        </p>
        <button
          type="button"
          onClick={() => location.reload()}
          className="mt-5 inline-flex h-10 items-center rounded-full bg-accent px-5 text-sm font-medium text-accent-ink hover:bg-accent-hover"
        >
          Reload
        </button>
      </div>
    </div>
  );
}
