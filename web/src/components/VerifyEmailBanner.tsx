/**
 * A thin bar over the app while a signed-in person's email address is unconfirmed: where the link
 * went, and a button for another one (the server allows one a minute, five a day). It can be put
 * away for the rest of the tab's life.
 */
import { useState } from "react";
import { LoaderCircle, MailWarning, X } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { ApiError, describeError } from "../api/client.ts";
import { checkSession } from "../session.ts";
import { toast } from "../toasts.ts";

const DISMISSED_KEY = "parley:verify-banner-dismissed";

function wasDismissed(userId: string): boolean {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) === userId;
  } catch {
    return false;
  }
}

export function VerifyEmailBanner({ user }: { user: SessionUser | null }) {
  const [dismissed, setDismissed] = useState(() => (user ? wasDismissed(user.id) : false));
  const [busy, setBusy] = useState(false);
  if (!user || user.kind !== "user" || user.emailVerified || !user.email || dismissed) return null;

  const resend = async () => {
    setBusy(true);
    try {
      const { resendVerification } = await import("../api/email.ts");
      toast.info((await resendVerification()).message);
    } catch (error) {
      if (error instanceof ApiError && error.code === "already_verified") await checkSession();
      else toast.error(describeError(error, "Could not send a new link."));
    } finally {
      setBusy(false);
    }
  };

  const dismiss = () => {
    setDismissed(true);
    try {
      sessionStorage.setItem(DISMISSED_KEY, user.id);
    } catch {
      // Storage disabled: hidden until the next reload.
    }
  };

  return (
    <div
      role="region"
      aria-label="Confirm your email address"
      data-testid="verify-banner"
      className="flex shrink-0 items-center gap-3 border-b border-line bg-accent-soft px-4 py-2 text-[13px] text-ink"
    >
      <MailWarning size={16} aria-hidden className="shrink-0 text-accent" />
      <p className="min-w-0 flex-1 leading-snug">
        <span className="font-medium">Confirm your email address.</span>{" "}
        {/* Phones keep the bar to one line: the address is in Settings and in the mail. */}
        <span className="text-muted max-sm:hidden">
          We sent a link to <span className="break-all text-ink">{user.email}</span>.
        </span>
      </p>
      <button
        type="button"
        onClick={() => void resend()}
        disabled={busy}
        className="inline-flex h-8 shrink-0 items-center gap-1.5 rounded-lg px-2.5 font-medium text-accent transition-colors hover:bg-surface/70 disabled:opacity-60 max-md:h-10"
      >
        {busy && <LoaderCircle size={14} aria-hidden className="motion-safe:animate-spin" />}
        Get a new link
      </button>
      <button
        type="button"
        onClick={dismiss}
        aria-label="Hide this reminder"
        className="grid size-8 shrink-0 place-items-center rounded-lg text-muted transition-colors hover:bg-surface/70 hover:text-ink max-md:size-10"
      >
        <X size={15} aria-hidden />
      </button>
    </div>
  );
}
