/**
 * Settings → Account → Change email. The account moves only once the link mailed to the new
 * address is followed (the /email page); until then nothing changes. Accounts that sign in with
 * GitHub or Google only have no password to give, and leave that field empty.
 */
import { useState, type FormEvent } from "react";
import { LoaderCircle, MailCheck } from "lucide-react";
import { ApiError, describeError } from "../api/client.ts";
import { fieldError } from "../api/account.ts";
import { FormField, describedBy, inputClass, smallPrimary } from "../ui/form.tsx";
import { changeEmail } from "../api/email.ts";
import { cardClass } from "../ui/card.ts";

type Errors = { email?: string; currentPassword?: string; form?: string };

export function ChangeEmail({ current }: { current: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const next = email.trim();
    if (!next) {
      setErrors({ email: "Enter the new email address." });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const sent = await changeEmail(next, password || undefined);
      setSentTo(sent.email);
      setEmail("");
      setPassword("");
    } catch (error) {
      const named = fieldError(error, ["email", "currentPassword"]);
      if (error instanceof ApiError && error.code === "invalid_credentials") {
        setErrors({ currentPassword: password ? error.message : "Enter your current password." });
      } else if (error instanceof ApiError && error.code === "same_email") {
        setErrors({ email: error.message });
      } else if (named?.field) {
        setErrors({ [named.field]: named.message });
      } else {
        setErrors({ form: describeError(error, "Could not send the link.") });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="change-email-title"
      aria-busy={busy}
      className={`${cardClass} mt-4 space-y-4 p-4`}
    >
      <div>
        <h3 id="change-email-title" className="text-sm font-medium">
          Change email
        </h3>
        <p className="mt-0.5 text-[13px] leading-relaxed text-muted">
          We send a link to the new address; your account keeps {current} until you open it.
        </p>
      </div>
      {sentTo && (
        <p
          role="status"
          data-testid="change-email-sent"
          className="flex items-start gap-2 rounded-xl bg-accent-soft px-3 py-2 text-[13px] leading-relaxed"
        >
          <MailCheck size={15} aria-hidden className="mt-0.5 shrink-0 text-accent" />
          <span>
            We sent a link to <span className="font-medium break-all">{sentTo}</span>. Open it in this browser
            to finish the change.
          </span>
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id="new-email" label="New email" error={errors.email}>
          <input
            id="new-email"
            type="email"
            inputMode="email"
            autoComplete="email"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={254}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            className={inputClass}
            {...describedBy("new-email", errors.email)}
          />
        </FormField>
        <FormField
          id="email-current-password"
          label="Your password"
          hint="Not needed if you only sign in with GitHub or Google."
          error={errors.currentPassword}
        >
          <input
            id="email-current-password"
            type="password"
            autoComplete="current-password"
            maxLength={200}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            className={inputClass}
            {...describedBy(
              "email-current-password",
              errors.currentPassword,
              "Not needed if you only sign in with GitHub or Google.",
            )}
          />
        </FormField>
      </div>
      {errors.form && (
        <p role="alert" className="text-[13px] text-danger">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={busy} className={smallPrimary}>
        {busy && <LoaderCircle size={15} aria-hidden className="motion-safe:animate-spin" />}
        {busy ? "Sending…" : "Send confirmation link"}
      </button>
    </form>
  );
}
