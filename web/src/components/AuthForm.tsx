/**
 * The sign-in / create-account form of the sign-in dialog (AuthDialog.tsx), with its two tabs.
 */
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { LoaderCircle } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { describeError } from "../api/client.ts";
import { getSession } from "../api/chat.ts";
import { fieldError, signIn, signUp, tooManyAttemptsMessage } from "../api/account.ts";
import type { AuthMode } from "../auth-dialog.ts";
import { accountLabel, applyUser, switchingSession } from "../session.ts";
import { toast } from "../toasts.ts";
import { linkButton, type SentNotice } from "./AuthPanels.tsx";
import { FormField, describedBy, inputClass, primaryButtonClass } from "../ui/form.tsx";
import { LogoMark } from "./Logo.tsx";
import { OAuthButtons } from "./OAuthButtons.tsx";

type FormMode = Exclude<AuthMode, "forgot">;

const MODES: { mode: FormMode; label: string }[] = [
  { mode: "signin", label: "Sign in" },
  { mode: "signup", label: "Create account" },
];

type Field = "displayName" | "email" | "password";
const FIELDS: Field[] = ["displayName", "email", "password"];

export function AuthForm({
  initialMode,
  initialEmail,
  onDone,
  onSent,
  onForgot,
}: {
  initialMode: FormMode;
  initialEmail: string;
  onDone: (user: SessionUser) => void;
  onSent: (notice: SentNotice) => void;
  onForgot: (email: string) => void;
}) {
  const [mode, setMode] = useState<FormMode>(initialMode);
  const [values, setValues] = useState<Record<Field, string>>({
    displayName: "",
    email: initialEmail,
    password: "",
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const uid = useId();
  const signup = mode === "signup";

  const switchTo = (next: FormMode, focusTab = false) => {
    setMode(next);
    setErrors({});
    setFormError(null);
    if (focusTab) tabs.current[MODES.findIndex((m) => m.mode === next)]?.focus();
  };

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    switchTo(mode === "signin" ? "signup" : "signin", true);
  };

  const change = (field: Field) => (event: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [field]: event.target.value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
    setFormError(null);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const email = values.email.trim();
    const local: Partial<Record<Field, string>> = {};
    if (!email) local.email = "Enter your email address.";
    if (!values.password) local.password = "Enter your password.";
    else if (signup && values.password.length < 8) local.password = "Use at least 8 characters.";
    setFormError(null);
    setErrors(local);
    if (Object.keys(local).length > 0) {
      document.getElementById(local.email ? "auth-email" : "auth-password")?.focus();
      return;
    }
    setBusy(true);
    try {
      // Both end the guest this tab was, whose sockets then close as signed out (session.ts).
      await switchingSession(async () => {
        if (signup) {
          const displayName = values.displayName.trim();
          const sent = await signUp({
            email,
            password: values.password,
            ...(displayName ? { displayName } : {}),
          });
          const now = await getSession();
          if (now.kind !== "user" || now.email !== sent.email) {
            // The address already had an account: its owner was mailed, this browser is unchanged.
            onSent({
              message: sent.message,
              detail: "If this address already has a Parley account, the email says how to sign in to it.",
            });
            return;
          }
          toast.info(
            `Welcome to Parley, ${accountLabel(now)}. We sent a link to ${sent.email} to confirm it.`,
          );
          onDone(now);
          await applyUser(now, { refetch: true });
          return;
        }
        const user = await signIn({ email, password: values.password });
        toast.info(`Signed in as ${user.email ?? accountLabel(user)}.`);
        onDone(user);
        await applyUser(user, { refetch: true });
      });
    } catch (error) {
      setBusy(false);
      const named = fieldError(error, FIELDS);
      const throttled = tooManyAttemptsMessage(error);
      if (throttled) {
        setFormError(throttled);
      } else if (named?.field) {
        setErrors({ [named.field]: named.message });
        document
          .getElementById(named.field === "displayName" ? `${uid}-name` : `auth-${named.field}`)
          ?.focus();
      } else {
        setFormError(describeError(error, signup ? "Could not create the account." : "Could not sign in."));
      }
    }
  };

  const nameId = `${uid}-name`;
  const passwordHint = signup ? "At least 8 characters." : undefined;

  return (
    <>
      <div className="flex items-center gap-2.5">
        <LogoMark size={26} />
        <Dialog.Title className="text-lg font-semibold tracking-tight">
          {signup ? "Create your account" : "Sign in to Parley"}
        </Dialog.Title>
      </div>
      <Dialog.Description id="auth-description" className="mt-2 text-sm leading-relaxed text-muted">
        {signup
          ? "Keep your chats on every device and bring your own provider keys. The chats you started here are kept."
          : "Pick up your chats on any device. The chats you started here as a guest move to your account."}
      </Dialog.Description>

      <OAuthButtons />

      <div
        role="tablist"
        aria-label="Sign in or create an account"
        className="mt-5 grid grid-cols-2 gap-1 rounded-xl bg-subtle p-1"
      >
        {MODES.map(({ mode: m, label }, index) => (
          <button
            key={m}
            ref={(el) => {
              tabs.current[index] = el;
            }}
            type="button"
            role="tab"
            id={`${uid}-tab-${m}`}
            aria-selected={mode === m}
            aria-controls={`${uid}-panel`}
            tabIndex={mode === m ? 0 : -1}
            onKeyDown={onTabKey}
            onClick={() => switchTo(m)}
            className={`h-8 rounded-lg text-sm transition-colors ${
              mode === m ? "bg-surface font-medium text-ink shadow-xs" : "text-muted hover:text-ink"
            }`}
          >
            {label}
          </button>
        ))}
      </div>

      <form
        id={`${uid}-panel`}
        role="tabpanel"
        aria-labelledby={`${uid}-tab-${mode}`}
        aria-busy={busy}
        noValidate
        onSubmit={(event) => void submit(event)}
        className="mt-5 space-y-4"
      >
        {signup && (
          <FormField
            id={nameId}
            label={
              <>
                Name <span className="font-normal text-muted">(optional)</span>
              </>
            }
            error={errors.displayName}
          >
            <input
              id={nameId}
              name="name"
              type="text"
              autoComplete="name"
              maxLength={80}
              value={values.displayName}
              onChange={change("displayName")}
              className={inputClass}
              {...describedBy(nameId, errors.displayName)}
            />
          </FormField>
        )}
        <FormField id="auth-email" label="Email" error={errors.email}>
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
            value={values.email}
            onChange={change("email")}
            className={inputClass}
            {...describedBy("auth-email", errors.email)}
          />
        </FormField>
        <FormField id="auth-password" label="Password" hint={passwordHint} error={errors.password}>
          <input
            id="auth-password"
            name="password"
            type="password"
            // Password managers offer a new password on sign-up and the saved one on sign-in.
            autoComplete={signup ? "new-password" : "current-password"}
            required
            minLength={signup ? 8 : undefined}
            maxLength={200}
            value={values.password}
            onChange={change("password")}
            className={inputClass}
            {...describedBy("auth-password", errors.password, passwordHint)}
          />
        </FormField>
        {!signup && (
          <div className="-mt-2 flex justify-end">
            <button type="button" className={linkButton} onClick={() => onForgot(values.email.trim())}>
              Forgot password?
            </button>
          </div>
        )}
        {formError && (
          <p role="alert" className="rounded-xl bg-danger/10 px-3 py-2 text-[13px] text-danger">
            {formError}
          </p>
        )}
        <button type="submit" disabled={busy} className={`${primaryButtonClass} w-full`}>
          {busy && <LoaderCircle size={16} aria-hidden className="motion-safe:animate-spin" />}
          {busy ? (signup ? "Creating account…" : "Signing in…") : signup ? "Create account" : "Sign in"}
        </button>
      </form>
    </>
  );
}
