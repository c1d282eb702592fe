/**
 * Personal access tokens on /settings: the keys a person's own scripts and tools use to call
 * Parley's OpenAI- and Anthropic-compatible endpoints. Create one (its secret is shown once), see
 * each by name and prefix with when it was made, last used and expires, and revoke it. Accounts
 * only: a guest is told so.
 */
import { useEffect, useState } from "react";
import { LogIn, SquareTerminal, Trash2 } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import type { CreatedToken, TokenView } from "#protocol/tokens";
import { describeError } from "../api/client.ts";
import { listTokens, revokeToken } from "../api/account.ts";
import { ConfirmSheet } from "../components/Overlays.tsx";
import { toast } from "../toasts.ts";
import { NewSecret, TokenForm } from "./TokenForm.tsx";
import { Section } from "./Section.tsx";
import { cardClass } from "../ui/card.ts";
import { secondaryButtonClass } from "../ui/form.tsx";

const day = new Intl.DateTimeFormat("en-US", { day: "numeric", month: "short", year: "numeric" });
const dayAndTime = new Intl.DateTimeFormat("en-US", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

/** "Created Mar 3, 2026 · Last used Mar 5, 14:20 · Expires Jun 1, 2026". */
export function tokenFacts(token: TokenView, now = Date.now()): string {
  const used = token.lastUsedAt === null ? "Never used" : `Last used ${dayAndTime.format(token.lastUsedAt)}`;
  const expiry =
    token.expiresAt === null
      ? "Never expires"
      : token.expiresAt <= now
        ? `Expired ${day.format(token.expiresAt)}`
        : `Expires ${day.format(token.expiresAt)}`;
  return [`Created ${day.format(token.createdAt)}`, used, expiry].join(" · ");
}

export function TokensSection({
  user,
  onSignIn,
}: {
  user: SessionUser | null;
  onSignIn: (mode: "signin" | "signup") => void;
}) {
  return (
    <Section
      id="tokens"
      title="API tokens"
      description="Call Parley from your own scripts and tools with the OpenAI or Anthropic SDK. Each call appears in your chats, marked with the token’s name, and you can watch it live."
    >
      {user?.kind === "user" ? (
        <TokenManager />
      ) : (
        <div className={`${cardClass} flex flex-col gap-3 p-4 sm:flex-row sm:items-center`}>
          <p className="flex-1 text-sm leading-relaxed text-muted">
            API tokens need an account. Sign in to create one.
          </p>
          <button type="button" className={secondaryButtonClass} onClick={() => onSignIn("signin")}>
            <LogIn size={15} aria-hidden />
            Sign in
          </button>
        </div>
      )}
    </Section>
  );
}

function TokenManager() {
  const [tokens, setTokens] = useState<TokenView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [toRevoke, setToRevoke] = useState<TokenView | null>(null);

  useEffect(() => {
    let cancelled = false;
    listTokens().then(
      (list) => !cancelled && setTokens(list),
      (error: unknown) => !cancelled && setLoadError(describeError(error, "Could not load your tokens.")),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const revoke = async (token: TokenView) => {
    setToRevoke(null);
    try {
      await revokeToken(token.id);
      setTokens((list) => (list ?? []).filter((item) => item.id !== token.id));
      if (created?.token.id === token.id) setCreated(null);
      toast.info(`Revoked “${token.name}”. Calls made with it are refused from now on.`);
    } catch (error) {
      toast.error(describeError(error, `Could not revoke “${token.name}”.`));
    }
  };

  return (
    <div className="space-y-3">
      {created ? (
        <NewSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <TokenForm
          onCreated={(next) => {
            setCreated(next);
            setTokens((list) => [next.token, ...(list ?? [])]);
          }}
        />
      )}
      {loadError ? (
        <p role="alert" className={`${cardClass} px-4 py-3 text-sm text-danger`}>
          {loadError}
        </p>
      ) : tokens === null ? (
        <div className={`${cardClass} px-4 py-3`} aria-busy="true">
          <span className="inline-block h-3 w-40 animate-skeleton rounded bg-subtle align-middle" />
        </div>
      ) : tokens.length > 0 ? (
        <ul className={`${cardClass} divide-y divide-line`} aria-label="Your API tokens">
          {tokens.map((token) => (
            <TokenRow key={token.id} token={token} onRevoke={() => setToRevoke(token)} />
          ))}
        </ul>
      ) : null}
      <ConfirmRevoke token={toRevoke} onCancel={() => setToRevoke(null)} onConfirm={(t) => void revoke(t)} />
    </div>
  );
}

function TokenRow({ token, onRevoke }: { token: TokenView; onRevoke: () => void }) {
  return (
    <li className="flex min-h-9 items-center gap-3 px-4 py-3" data-testid="token-row">
      <SquareTerminal size={16} aria-hidden className="shrink-0 text-muted" />
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 items-center gap-2 text-sm">
          <span className="truncate font-medium">{token.name}</span>
          <span className="shrink-0 font-mono text-[12.5px] text-muted" data-testid="token-prefix">
            {token.prefix}…
          </span>
          {!token.keepHistory && (
            <span className="shrink-0 rounded-md bg-subtle px-1.5 py-px text-[10.5px] text-muted">
              No history
            </span>
          )}
        </p>
        <p className="text-[13px] text-muted">{tokenFacts(token)}</p>
      </div>
      <button
        type="button"
        onClick={onRevoke}
        aria-label={`Revoke ${token.name}`}
        title="Revoke"
        className="grid size-9 shrink-0 place-items-center rounded-xl text-muted transition-colors hover:bg-hover hover:text-danger"
      >
        <Trash2 size={15} aria-hidden />
      </button>
    </li>
  );
}

function ConfirmRevoke({
  token,
  onCancel,
  onConfirm,
}: {
  token: TokenView | null;
  onCancel: () => void;
  onConfirm: (token: TokenView) => void;
}) {
  return (
    <ConfirmSheet
      subject={token}
      title="Revoke token?"
      description={`Scripts using “${token?.name}” will be refused from their next call. This can’t be undone; the chats it made stay.`}
      confirmLabel="Revoke"
      onCancel={onCancel}
      onConfirm={onConfirm}
    />
  );
}
