/**
 * Sign in / create an account / forgot password (a separate chunk, loaded when first opened).
 * Errors from the API land under the field they name; a guest's chats are kept either way (the
 * server moves them). Sign-up answers alike for new and taken addresses: whether this browser
 * is now signed in is asked afterwards, and if it is not, the dialog says to check the mail.
 */
import { useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import type { AuthMode } from "../auth-dialog.ts";
import { AuthForm } from "./AuthForm.tsx";
import { CheckEmailPanel, ForgotPasswordPanel, type SentNotice } from "./AuthPanels.tsx";

export type { AuthMode };

export interface AuthDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  initialMode?: AuthMode;
  /** Called with the account after a successful sign-in or sign-up (before the app refreshes). */
  onSignedIn?: (user: SessionUser) => void;
}

export default function AuthDialog({
  open,
  onOpenChange,
  initialMode = "signin",
  onSignedIn,
}: AuthDialogProps) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-overlay motion-safe:animate-fade-in" />
        <Dialog.Content
          aria-describedby="auth-description"
          // The email field takes focus, not the first tab.
          onOpenAutoFocus={(event) => {
            event.preventDefault();
            document.getElementById("auth-email")?.focus();
          }}
          className="fixed top-[max(1rem,10vh)] left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[min(25rem,calc(100vw-1.5rem))] -translate-x-1/2 overflow-y-auto rounded-2xl border border-line bg-surface p-6 text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <AuthViews
            initialMode={initialMode}
            onDone={(user) => {
              onOpenChange(false);
              onSignedIn?.(user);
            }}
          />
          <Dialog.Close
            aria-label="Close"
            className="absolute top-3 right-3 grid size-8 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink"
          >
            <X size={16} aria-hidden />
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function AuthViews({ initialMode, onDone }: { initialMode: AuthMode; onDone: (user: SessionUser) => void }) {
  const [mode, setMode] = useState<AuthMode>(initialMode);
  const [email, setEmail] = useState("");
  const [notice, setNotice] = useState<SentNotice | null>(null);
  const back = () => {
    setNotice(null);
    setMode("signin");
  };
  if (notice) return <CheckEmailPanel notice={notice} onBack={back} />;
  if (mode === "forgot") return <ForgotPasswordPanel initialEmail={email} onSent={setNotice} onBack={back} />;
  return (
    <AuthForm
      initialMode={mode}
      initialEmail={email}
      onDone={onDone}
      onSent={setNotice}
      onForgot={(typed) => {
        setEmail(typed);
        setMode("forgot");
      }}
    />
  );
}
