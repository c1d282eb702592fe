/**
 * The sign-in dialog's other two views: "forgot password" (mails a reset link) and "check your
 * email", shown after anything that mailed a link and did not sign this browser in.
 */
import { useState, type FormEvent } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { ArrowLeft, LoaderCircle, MailCheck } from "lucide-react";
import { describeError } from "../api/client.ts";
import { fieldError } from "../api/account.ts";
import { forgotPassword } from "../api/email.ts";
import { FormField, describedBy, inputClass, primaryButtonClass } from "../ui/form.tsx";
import { LogoMark } from "./Logo.tsx";

export interface SentNotice {
  message: string;
  detail: string;
}

export const linkButton =
  "inline-flex items-center gap-1.5 rounded-md text-[13px] font-medium text-accent hover:underline focus-visible:outline-2 focus-visible:outline-accent";

export function CheckEmailPanel({ notice, onBack }: { notice: SentNotice; onBack: () => void }) {
  return (
    <div className="text-center" data-testid="check-email">
      <span className="mx-auto mb-4 grid size-12 place-items-center rounded-full bg-accent-soft text-accent">
        <MailCheck size={22} aria-hidden />
      </span>
      <Dialog.Title className="text-lg font-semibold tracking-tight">Check your email</Dialog.Title>
      <Dialog.Description id="auth-description" className="mt-2 text-sm leading-relaxed text-ink">
        {notice.message}
      </Dialog.Description>
      <p className="mt-2 text-[13px] leading-relaxed text-muted">{notice.detail}</p>
      <button type="button" onClick={onBack} className={`${linkButton} mt-5`}>
        <ArrowLeft size={14} aria-hidden />
        Back to sign in
      </button>
    </div>
  );
}

export function ForgotPasswordPanel({
  initialEmail,
  onSent,
  onBack,
}: {
  initialEmail: string;
  onSent: (notice: SentNotice) => void;
  onBack: () => void;
}) {
  const [email, setEmail] = useState(initialEmail);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const value = email.trim();
    if (!value) {
      setError("Enter your email address.");
      document.getElementById("auth-email")?.focus();
      return;
    }
    setBusy(true);
    try {
      const sent = await forgotPassword(value);
      onSent({
        message: sent.message,
        detail:
          "The link works once, for 30 minutes. Nothing arrived? Check your spam folder, or ask again in a minute.",
      });
    } catch (failure) {
      setBusy(false);
      setError(fieldError(failure, ["email"])?.message ?? describeError(failure, "Could not send the link."));
    }
  };

  return (
    <>
      <div className="flex items-center gap-2.5">
        <LogoMark size={26} />
        <Dialog.Title className="text-lg font-semibold tracking-tight">Reset your password</Dialog.Title>
      </div>
      <Dialog.Description id="auth-description" className="mt-2 text-sm leading-relaxed text-muted">
        Enter the email address of your account. We will send you a link to choose a new password.
      </Dialog.Description>
      <form noValidate aria-busy={busy} onSubmit={(event) => void submit(event)} className="mt-5 space-y-4">
        <FormField id="auth-email" label="Email" error={error}>
          <input
            id="auth-email"
            name="email"
            type="email"
            inputMode="email"
            autoComplete="email"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={254}
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
              setError(null);
            }}
            className={inputClass}
            {...describedBy("auth-email", error)}
          />
        </FormField>
        <button type="submit" disabled={busy} className={`${primaryButtonClass} w-full`}>
          {busy && <LoaderCircle size={16} aria-hidden className="motion-safe:animate-spin" />}
          {busy ? "Sending…" : "Send reset link"}
        </button>
      </form>
      <button type="button" onClick={onBack} className={`${linkButton} mt-4`}>
        <ArrowLeft size={14} aria-hidden />
        Back to sign in
      </button>
    </>
  );
}
