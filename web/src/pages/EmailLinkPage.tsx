/**
 * The pages the links in Parley's mail open: `/verify` (confirm the address), `/email` (finish
 * moving the account to a new address) and `/reset` (choose a new password, ResetPassword.tsx).
 * Opening one changes nothing: the token is posted by this page, and only by a browser signed in
 * to the account the link was sent for (a reset needs no session, but a new password).
 */
import { useEffect, useRef, useState } from "react";
import { CircleAlert, CircleCheck, LoaderCircle, LogIn, MailCheck } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import { ApiError, describeError } from "../api/client.ts";
import { openAuthDialog } from "../auth-dialog.ts";
import { smallPrimary, secondaryButtonClass } from "../ui/form.tsx";
import { confirmEmailChange, resendVerification, verifyEmail } from "../api/email.ts";
import { navigate } from "../router.ts";
import { applyUser } from "../session.ts";
import { toast } from "../toasts.ts";
import { LinkCard } from "./LinkCard.tsx";
import { ResetPassword } from "./ResetPassword.tsx";

export interface EmailLinkPageProps {
  page: "verify" | "reset" | "email";
  user: SessionUser | null;
  onSignOut: (everywhere: boolean) => void;
}

/** The token of the link that opened the page; the address keeps it until it is used. */
function linkToken(): string | null {
  return new URLSearchParams(location.search).get("token");
}

/** Takes the used token out of the address bar (and out of the history entry). */
function forgetToken() {
  history.replaceState(history.state, "", location.pathname);
}

export default function EmailLinkPage({ page, user, onSignOut }: EmailLinkPageProps) {
  const [token] = useState(linkToken);
  if (!token) {
    return (
      <LinkCard icon={CircleAlert} tone="muted" title="This link is incomplete" testId="link-result">
        Open the link from the email again, or copy all of it into the address bar.
      </LinkCard>
    );
  }
  if (page === "reset") return <ResetPassword token={token} onUsed={forgetToken} />;
  return <ConfirmLink kind={page} token={token} user={user} onSignOut={onSignOut} />;
}

type State =
  | { status: "idle" | "working" }
  | { status: "done"; user: SessionUser }
  | { status: "failed"; code: string; message: string };

function ConfirmLink({
  kind,
  token,
  user,
  onSignOut,
}: {
  kind: "verify" | "email";
  token: string;
  user: SessionUser | null;
  onSignOut: (everywhere: boolean) => void;
}) {
  const [state, setState] = useState<State>({ status: "idle" });
  const started = useRef(false);
  const signedIn = user?.kind === "user";

  useEffect(() => {
    if (!signedIn || started.current) return;
    started.current = true;
    setState({ status: "working" });
    (kind === "verify" ? verifyEmail(token) : confirmEmailChange(token))
      .then(async (next) => {
        forgetToken();
        setState({ status: "done", user: next });
        await applyUser(next);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.code === "link_invalid") forgetToken();
        setState({
          status: "failed",
          code: error instanceof ApiError ? error.code : "network",
          message: describeError(error, "Something went wrong. Try again."),
        });
      });
  }, [signedIn, kind, token]);

  const what = kind === "verify" ? "confirm your email address" : "finish changing your email address";
  if (user && !signedIn) {
    return (
      <LinkCard
        icon={LogIn}
        title={`Sign in to ${what}`}
        testId="link-sign-in"
        actions={
          <button type="button" className={smallPrimary} onClick={() => openAuthDialog("signin")}>
            Sign in
          </button>
        }
      >
        The link works in a browser signed in to the account it was sent for.
      </LinkCard>
    );
  }
  if (state.status === "done") {
    return (
      <LinkCard
        icon={CircleCheck}
        title={kind === "verify" ? "Your email address is confirmed" : "Your email address is changed"}
        testId="link-result"
        actions={
          <button type="button" className={smallPrimary} onClick={() => navigate("/")}>
            Start a chat
          </button>
        }
      >
        {kind === "verify"
          ? `Thanks — ${state.user.email ?? "your address"} is confirmed.`
          : `Your account now uses ${state.user.email ?? "the new address"}. We told the old address too.`}
      </LinkCard>
    );
  }
  if (state.status === "failed") {
    return (
      <LinkFailed kind={kind} code={state.code} message={state.message} user={user} onSignOut={onSignOut} />
    );
  }
  return (
    <LinkCard
      icon={LoaderCircle}
      tone="muted"
      spinning
      title={kind === "verify" ? "Confirming…" : "Changing your email…"}
    />
  );
}

function LinkFailed({
  kind,
  code,
  message,
  user,
  onSignOut,
}: {
  kind: "verify" | "email";
  code: string;
  message: string;
  user: SessionUser | null;
  onSignOut: (everywhere: boolean) => void;
}) {
  const [resending, setResending] = useState(false);
  if (kind === "verify" && code === "link_invalid" && user?.emailVerified) {
    return (
      <LinkCard icon={CircleCheck} title="Your email address is already confirmed" testId="link-result">
        There is nothing more to do.
      </LinkCard>
    );
  }
  const resend = async () => {
    setResending(true);
    try {
      toast.info((await resendVerification()).message);
    } catch (error) {
      toast.error(describeError(error, "Could not send a new link."));
    } finally {
      setResending(false);
    }
  };
  const action =
    code === "wrong_account" ? (
      <button type="button" className={secondaryButtonClass} onClick={() => onSignOut(false)}>
        Sign out
      </button>
    ) : kind === "verify" && code === "link_invalid" ? (
      <button type="button" className={smallPrimary} disabled={resending} onClick={() => void resend()}>
        <MailCheck size={15} aria-hidden />
        Get a new link
      </button>
    ) : (
      <button type="button" className={secondaryButtonClass} onClick={() => navigate("/settings")}>
        Open settings
      </button>
    );
  return (
    <LinkCard
      icon={CircleAlert}
      tone="danger"
      title="That did not work"
      testId="link-result"
      actions={action}
    >
      {message}
    </LinkCard>
  );
}
