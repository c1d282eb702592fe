/**
 * The account part of /settings: for a guest, an invitation to sign in (their chats are kept);
 * for an account, who is signed in, changing the password or the email address, and signing out
 * here or everywhere.
 */
import { useState, type FormEvent } from "react";
import { LoaderCircle, LogIn } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { ApiError, describeError } from "../api/client.ts";
import { changePassword, fieldError, tooManyAttemptsMessage } from "../api/account.ts";
import { FormField, describedBy, inputClass, smallPrimary, secondaryButtonClass } from "../ui/form.tsx";
import { initials } from "../components/AccountFace.tsx";
import { accountLabel, applyUser } from "../session.ts";
import { toast } from "../toasts.ts";
import { ChangeEmail } from "./ChangeEmail.tsx";
import { Section } from "./Section.tsx";
import { cardClass } from "../ui/card.ts";

function GuestPrompt({ text, onSignIn }: { text: string; onSignIn: (mode: "signin" | "signup") => void }) {
  return (
    <div className={`${cardClass} flex flex-col gap-3 p-4 sm:flex-row sm:items-center`}>
      <p className="flex-1 text-sm leading-relaxed text-muted">{text}</p>
      <div className="flex shrink-0 gap-2">
        <button type="button" className={secondaryButtonClass} onClick={() => onSignIn("signin")}>
          Sign in
        </button>
        <button type="button" className={smallPrimary} onClick={() => onSignIn("signup")}>
          <LogIn size={15} aria-hidden />
          Create account
        </button>
      </div>
    </div>
  );
}

export function AccountSection({
  user,
  onSignIn,
  onSignOut,
}: {
  user: SessionUser | null;
  onSignIn: (mode: "signin" | "signup") => void;
  onSignOut: (everywhere: boolean) => void;
}) {
  if (!user || user.kind !== "user") {
    return (
      <Section id="account" title="Account" description="You are using Parley as a guest.">
        <GuestPrompt
          text="Your chats live in this browser only. Create an account to keep them, use them on every device and bring your own provider keys — the chats you have now are kept."
          onSignIn={onSignIn}
        />
      </Section>
    );
  }
  return (
    <Section id="account" title="Account" description="Your sign-in and your sessions.">
      <div className="flex items-center gap-3">
        <span
          aria-hidden
          className="grid size-10 shrink-0 place-items-center rounded-full bg-accent-soft text-sm font-semibold text-accent"
        >
          {initials(user)}
        </span>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium">{accountLabel(user)}</p>
          <p className="flex min-w-0 items-center gap-2 text-sm text-muted">
            <span className="truncate" data-testid="account-email">
              {user.email}
            </span>
            {!user.emailVerified && (
              <span className="shrink-0 rounded-full bg-subtle px-2 py-0.5 text-[11px] font-medium text-muted">
                Not confirmed
              </span>
            )}
          </p>
        </div>
        <button type="button" className={secondaryButtonClass} onClick={() => onSignOut(false)}>
          Sign out
        </button>
      </div>
      <ChangePassword email={user.email ?? ""} />
      <ChangeEmail current={user.email ?? ""} />
      <div className={`${cardClass} mt-4 flex flex-col gap-3 p-4 sm:flex-row sm:items-center`}>
        <div className="flex-1">
          <p className="text-sm font-medium">Sign out everywhere</p>
          <p className="mt-0.5 text-[13px] leading-relaxed text-muted">
            Ends every session of this account, on every device. Others are out within 15 minutes.
          </p>
        </div>
        <button
          type="button"
          className={`${secondaryButtonClass} text-danger`}
          onClick={() => onSignOut(true)}
        >
          Sign out everywhere
        </button>
      </div>
    </Section>
  );
}

function ChangePassword({ email }: { email: string }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<{ currentPassword?: string; newPassword?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const local: typeof errors = {};
    if (!current) local.currentPassword = "Enter your current password.";
    if (next.length < 8) local.newPassword = "Use at least 8 characters.";
    setErrors(local);
    if (local.currentPassword || local.newPassword) return;
    setBusy(true);
    try {
      const user = await changePassword(current, next);
      setCurrent("");
      setNext("");
      toast.info("Password changed. Your other devices are signed out.");
      await applyUser(user);
    } catch (error) {
      const named = fieldError(error, ["currentPassword", "newPassword"]);
      const throttled = tooManyAttemptsMessage(error);
      if (throttled) {
        setErrors({ form: throttled });
      } else if (error instanceof ApiError && error.code === "invalid_credentials") {
        setErrors({ currentPassword: error.message });
      } else if (named?.field) {
        setErrors({ [named.field]: named.message });
      } else {
        setErrors({ form: describeError(error, "Could not change the password.") });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="change-password-title"
      aria-busy={busy}
      className={`${cardClass} mt-5 space-y-4 p-4`}
    >
      <h3 id="change-password-title" className="text-sm font-medium">
        Change password
      </h3>
      {/* For password managers: which account this password belongs to. */}
      <input
        type="email"
        name="username"
        autoComplete="username"
        value={email}
        readOnly
        hidden
        aria-hidden
        tabIndex={-1}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id="current-password" label="Current password" error={errors.currentPassword}>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
            className={inputClass}
            {...describedBy("current-password", errors.currentPassword)}
          />
        </FormField>
        <FormField
          id="new-password"
          label="New password"
          hint="At least 8 characters."
          error={errors.newPassword}
        >
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            minLength={8}
            maxLength={200}
            value={next}
            onChange={(event) => setNext(event.target.value)}
            className={inputClass}
            {...describedBy("new-password", errors.newPassword, "At least 8 characters.")}
          />
        </FormField>
      </div>
      {errors.form && (
        <p role="alert" className="text-[13px] text-danger">
          {errors.form}
        </p>
      )}
      <div className="flex items-center gap-3">
        <button type="submit" disabled={busy} className={smallPrimary}>
          {busy && <LoaderCircle size={15} aria-hidden className="motion-safe:animate-spin" />}
          {busy ? "Changing…" : "Change password"}
        </button>
        <p className="text-[13px] text-muted">Other devices are signed out.</p>
      </div>
    </form>
  );
}
