/**
 * `/reset?token=…`: choose a new password with the link from a "reset your password" mail. The
 * link works once; using it signs this browser in and every other device out.
 */
import { useState, type FormEvent } from "react";
import { CircleAlert, KeyRound, LoaderCircle } from "lucide-react";
import { ApiError, describeError } from "../api/client.ts";
import { fieldError } from "../api/account.ts";
import { openAuthDialog } from "../auth-dialog.ts";
import { FormField, describedBy, inputClass, primaryButtonClass, smallPrimary } from "../ui/form.tsx";
import { resetPassword } from "../api/email.ts";
import { navigate } from "../router.ts";
import { applyUser, switchingSession } from "../session.ts";
import { toast } from "../toasts.ts";
import { LinkCard } from "./LinkCard.tsx";

const HINT = "At least 8 characters.";

export function ResetPassword({ token, onUsed }: { token: string; onUsed: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (password.length < 8) {
      setError("Use at least 8 characters.");
      document.getElementById("reset-password")?.focus();
      return;
    }
    setBusy(true);
    try {
      // This browser is signed in as the account: the guest it was ends, and its sockets close.
      await switchingSession(async () => {
        const user = await resetPassword(token, password);
        onUsed();
        toast.info("Your password is changed. You are signed in here, and signed out on every other device.");
        navigate("/", { replace: true });
        await applyUser(user, { refetch: true });
      });
    } catch (failure) {
      setBusy(false);
      if (failure instanceof ApiError && failure.code === "link_invalid") {
        onUsed();
        setExpired(failure.message);
        return;
      }
      setError(
        fieldError(failure, ["newPassword"])?.message ??
          describeError(failure, "Could not change the password."),
      );
    }
  };

  if (expired) {
    return (
      <LinkCard
        icon={CircleAlert}
        tone="danger"
        title="This link no longer works"
        testId="link-result"
        actions={
          <button type="button" className={smallPrimary} onClick={() => openAuthDialog("forgot")}>
            Ask for a new link
          </button>
        }
      >
        {expired}
      </LinkCard>
    );
  }

  return (
    <div className="flex flex-1 items-center justify-center overflow-y-auto px-6 pb-16">
      <form
        noValidate
        aria-busy={busy}
        aria-labelledby="reset-title"
        onSubmit={(event) => void submit(event)}
        className="w-full max-w-sm rounded-2xl border border-line bg-surface p-6 shadow-xs"
      >
        <span className="mb-4 grid size-11 place-items-center rounded-full bg-accent-soft text-accent">
          <KeyRound size={20} aria-hidden />
        </span>
        <h1 id="reset-title" className="text-lg font-semibold tracking-tight">
          Choose a new password
        </h1>
        <p className="mt-1.5 text-sm leading-relaxed text-muted">
          You will be signed in here, and signed out on every other device.
        </p>
        <div className="mt-5">
          <FormField id="reset-password" label="New password" hint={HINT} error={error}>
            <input
              id="reset-password"
              name="new-password"
              type="password"
              autoComplete="new-password"
              // The page exists to type this.
              autoFocus
              required
              minLength={8}
              maxLength={200}
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
                setError(null);
              }}
              className={inputClass}
              {...describedBy("reset-password", error, HINT)}
            />
          </FormField>
        </div>
        <button type="submit" disabled={busy} className={`${primaryButtonClass} mt-5 w-full`}>
          {busy && <LoaderCircle size={16} aria-hidden className="motion-safe:animate-spin" />}
          {busy ? "Saving…" : "Save and sign in"}
        </button>
      </form>
    </div>
  );
}
