/**
 * Own provider keys on /settings (bring your own key): one row per provider that takes one, with
 * the saved key's last four characters (all that ever comes back) and the date it was saved, and
 * Add, Replace and Remove. Guests are asked to sign in first.
 */
import { useEffect, useState } from "react";
import { KeyRound, LogIn, Trash2 } from "lucide-react";
import type { SessionUser, StoredKey } from "#protocol/http";
import { describeError } from "../api/client.ts";
import { OWN_KEY_PROVIDERS, deleteKey, listKeys } from "../api/account.ts";
import type { ModelsState } from "../data.ts";
import { providerLabel } from "../model-groups.ts";
import { toast } from "../toasts.ts";
import { KeyForm } from "./KeyForm.tsx";
import { Section } from "./Section.tsx";
import { cardClass } from "../ui/card.ts";
import { secondaryButtonClass } from "../ui/form.tsx";

/** `••••1234`: all that is ever shown of a saved key. */
export function maskedKey(last4: string): string {
  return `••••${last4}`;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { day: "numeric", month: "short", year: "numeric" });

export function KeysSection({
  user,
  models,
  onSignIn,
}: {
  user: SessionUser | null;
  models: ModelsState;
  onSignIn: (mode: "signin" | "signup") => void;
}) {
  const signedIn = user?.kind === "user";
  return (
    <Section
      id="keys"
      title="API keys"
      description="Use your own keys for OpenAI, Anthropic, Gemini, OpenRouter and DeepSeek; without one, Parley’s key is used where the server has it. Keys are stored encrypted and only their last four characters are shown again."
    >
      {signedIn ? (
        <KeyList onChanged={models.reload} />
      ) : (
        <div className={`${cardClass} flex flex-col gap-3 p-4 sm:flex-row sm:items-center`}>
          <p className="flex-1 text-sm leading-relaxed text-muted">
            Sign in to bring your own provider keys. Answers paid with your own key don’t count against your
            monthly quota.
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

function KeyList({ onChanged }: { onChanged: () => void }) {
  const [keys, setKeys] = useState<StoredKey[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    listKeys().then(
      (list) => !cancelled && setKeys(list),
      (error: unknown) => !cancelled && setLoadError(describeError(error, "Could not load your keys.")),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  if (loadError) {
    return (
      <p role="alert" className={`${cardClass} px-4 py-3 text-sm text-danger`}>
        {loadError}
      </p>
    );
  }

  const saved = new Map((keys ?? []).map((key) => [key.provider, key]));

  const remove = async (provider: string) => {
    const label = providerLabel(provider);
    try {
      await deleteKey(provider);
      setKeys((list) => (list ?? []).filter((key) => key.provider !== provider));
      toast.info(`Removed your ${label} key.`);
      onChanged();
    } catch (error) {
      toast.error(describeError(error, `Could not remove your ${label} key.`));
    }
  };

  return (
    <>
      {unavailable && (
        <p role="alert" className="mb-3 rounded-xl bg-warn/10 px-3 py-2 text-[13px] text-warn">
          {unavailable}
        </p>
      )}
      <ul
        className={`${cardClass} divide-y divide-line`}
        aria-label="Provider keys"
        aria-busy={keys === null}
      >
        {OWN_KEY_PROVIDERS.map((provider) => {
          const key = saved.get(provider);
          const label = providerLabel(provider);
          return (
            <li key={provider} className="px-4 py-3" data-testid={`key-row-${provider}`}>
              <div className="flex min-h-9 items-center gap-3">
                <KeyRound size={16} aria-hidden className="shrink-0 text-muted" />
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-medium">{label}</p>
                  <p className="text-[13px] text-muted">
                    {keys === null ? (
                      <span className="inline-block h-3 w-24 animate-skeleton rounded bg-subtle align-middle" />
                    ) : key ? (
                      <>
                        <span className="font-mono text-ink" data-testid="key-mask">
                          {maskedKey(key.last4)}
                        </span>
                        <span> · saved {dateFormat.format(key.updatedAt)}</span>
                      </>
                    ) : (
                      "Not set"
                    )}
                  </p>
                </div>
                {editing !== provider && keys !== null && (
                  <div className="flex shrink-0 items-center gap-1">
                    <button
                      type="button"
                      className={secondaryButtonClass}
                      onClick={() => setEditing(provider)}
                      aria-label={key ? `Replace your ${label} key` : `Add your ${label} key`}
                    >
                      {key ? "Replace" : "Add key"}
                    </button>
                    {key && (
                      <button
                        type="button"
                        onClick={() => void remove(provider)}
                        aria-label={`Remove your ${label} key`}
                        title="Remove"
                        className="grid size-9 place-items-center rounded-xl text-muted transition-colors hover:bg-hover hover:text-danger"
                      >
                        <Trash2 size={15} aria-hidden />
                      </button>
                    )}
                  </div>
                )}
              </div>
              {editing === provider && (
                <KeyForm
                  provider={provider}
                  onCancel={() => setEditing(null)}
                  onUnavailable={setUnavailable}
                  onSaved={(savedKey) => {
                    setKeys((list) => [
                      ...(list ?? []).filter((k) => k.provider !== savedKey.provider),
                      savedKey,
                    ]);
                    setEditing(null);
                    toast.info(`Saved your ${label} key (${maskedKey(savedKey.last4)}).`);
                    onChanged();
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
