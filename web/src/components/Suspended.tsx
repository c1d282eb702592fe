/**
 * The whole page once an admin banned this person (web/src/suspended.ts): it replaces the app, so
 * no chat, sidebar or socket stays open behind it, and nothing retries by itself.
 */
import { useEffect, useRef } from "react";
import { ShieldOff } from "lucide-react";
import { LogoMark } from "./Logo.tsx";

export function Suspended() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = "Access suspended · Parley";
    // The page changed under the reader: take focus to its heading so screen readers say it.
    heading.current?.focus();
  }, []);
  return (
    <main
      className="flex min-h-dvh flex-col items-center justify-center bg-canvas px-6 text-ink"
      data-testid="suspended"
    >
      <div className="max-w-md text-center">
        <div className="mb-8 flex justify-center">
          <LogoMark size={32} />
        </div>
        <span className="mx-auto mb-4 grid size-11 place-items-center rounded-full bg-subtle text-muted">
          <ShieldOff size={20} aria-hidden />
        </span>
        <h1 ref={heading} tabIndex={-1} className="text-xl font-semibold outline-none">
          Your access to Parley has been suspended
        </h1>
        <p className="mt-3 text-sm leading-relaxed text-muted">
          The operator of this Parley suspended this account, so its chats cannot be opened and no new
          messages can be sent. Nothing was deleted. If you think this is a mistake, contact whoever runs this
          Parley.
        </p>
        <button
          type="button"
          onClick={() => location.reload()}
          className="mt-6 inline-flex h-11 items-center rounded-full border border-line bg-surface px-5 text-sm font-medium transition-colors hover:border-line-strong hover:bg-hover"
        >
          Check again
        </button>
      </div>
    </main>
  );
}
