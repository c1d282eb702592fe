/**
 * The account parts of /settings: the account itself (password, sign out everywhere), own provider
 * keys (bring your own key: only the last four characters ever come back) and this month's usage.
 */
import { useEffect, useState, type FormEvent } from "react";
import { KeyRound, LoaderCircle, LogIn, Trash2 } from "lucide-react";
import type { MonthUsage, SessionUser, StoredKey, UsageTotals } from "#protocol/http";
import { ApiError, describeError } from "../api.ts";
import {
  OWN_KEY_PROVIDERS,
  changePassword,
  deleteKey,
  fieldError,
  getUsage,
  listKeys,
  saveKey,
} from "../account-api.ts";
import { FormField, describedBy, inputClass, primaryButtonClass } from "../components/FormField.tsx";
import { initials } from "../components/AccountButton.tsx";
import type { ModelsState } from "../data.ts";
import { formatCost, formatInteger } from "../format.ts";
import { providerLabel } from "../model-groups.ts";
import { accountLabel, applyUser } from "../session.ts";
import { toast } from "../toasts.ts";
import { Section, cardClass, secondaryButtonClass } from "./Section.tsx";

const smallPrimary = primaryButtonClass.replace("h-10", "h-9").replace("px-4", "px-3.5");

/** `••••1234`: all that is ever shown of a saved key. */
export function maskedKey(last4: string): string {
  return `••••${last4}`;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { day: "numeric", month: "short", year: "numeric" });

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

// ---------------------------------------------------------------------------------------------
// Account

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
          <p className="truncate text-sm text-muted" data-testid="account-email">
            {user.email}
          </p>
        </div>
        <button type="button" className={secondaryButtonClass} onClick={() => onSignOut(false)}>
          Sign out
        </button>
      </div>
      <ChangePassword email={user.email ?? ""} />
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
      if (error instanceof ApiError && error.code === "invalid_credentials") {
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

// ---------------------------------------------------------------------------------------------
// API keys

const KEY_PLACEHOLDERS: Record<string, string> = {
  openai: "sk-…",
  anthropic: "sk-ant-…",
  gemini: "AIza…",
  openrouter: "sk-or-…",
  deepseek: "sk-…",
};

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

function KeyForm({
  provider,
  onCancel,
  onSaved,
  onUnavailable,
}: {
  provider: string;
  onCancel: () => void;
  onSaved: (key: StoredKey) => void;
  onUnavailable: (message: string) => void;
}) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `key-${provider}`;
  const label = providerLabel(provider);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const apiKey = value.trim();
    if (apiKey.length < 8) {
      setError(apiKey ? "That is too short for an API key." : "Paste your key first.");
      return;
    }
    setBusy(true);
    try {
      const saved = await saveKey(provider, apiKey);
      setValue("");
      onSaved(saved);
    } catch (reason) {
      setBusy(false);
      if (reason instanceof ApiError && reason.code === "byok_unavailable") onUnavailable(reason.message);
      const named = fieldError(reason, ["apiKey"]);
      setError(named?.message ?? describeError(reason, `Could not save your ${label} key.`));
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      className="mt-3 flex flex-col gap-2 pl-7 sm:flex-row sm:items-start"
    >
      <div className="min-w-0 flex-1 space-y-1.5">
        <label htmlFor={id} className="sr-only">
          {label} API key
        </label>
        <input
          id={id}
          type="password"
          autoFocus
          // A key is not a login password: keep password managers out of it.
          autoComplete="off"
          data-1p-ignore
          data-lpignore="true"
          spellCheck={false}
          autoCapitalize="none"
          maxLength={500}
          placeholder={KEY_PLACEHOLDERS[provider] ?? "API key"}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setError(null);
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              onCancel();
            }
          }}
          className={`${inputClass} h-9 font-mono`}
          {...describedBy(id, error)}
        />
        {error && (
          <p id={`${id}-error`} className="text-[13px] text-danger">
            {error}
          </p>
        )}
      </div>
      <div className="flex shrink-0 gap-2">
        <button type="submit" disabled={busy} className={smallPrimary}>
          {busy && <LoaderCircle size={15} aria-hidden className="motion-safe:animate-spin" />}
          Save
        </button>
        <button type="button" className={secondaryButtonClass} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Usage

function monthLabel(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

export function UsageSection({ models }: { models: ModelsState }) {
  const [usage, setUsage] = useState<MonthUsage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getUsage().then(
      (answer) => !cancelled && setUsage(answer),
      (reason: unknown) => !cancelled && setError(describeError(reason, "Could not load your usage.")),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const names = new Map(models.models.map((model) => [model.id, model.name]));
  const rows = [...(usage?.byModel ?? [])].sort((a, b) => b.costUsd - a.costUsd || b.answers - a.answers);

  return (
    <Section
      id="usage"
      title="Usage this month"
      description={
        usage
          ? `Tokens and cost in ${monthLabel(usage.month)} (UTC), priced when each answer finished.`
          : "Tokens and cost this calendar month (UTC), priced when each answer finished."
      }
    >
      {error ? (
        <p role="alert" className={`${cardClass} px-4 py-3 text-sm text-danger`}>
          {error}
        </p>
      ) : (
        <div aria-busy={usage === null} data-testid="usage">
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            <Stat label="Answers" value={usage && formatInteger(usage.total.answers)} />
            <Stat
              label="Input tokens"
              value={usage && formatInteger(usage.total.inputTokens)}
              note={
                usage?.total.cachedInputTokens
                  ? `${formatInteger(usage.total.cachedInputTokens)} cached`
                  : null
              }
            />
            <Stat
              label="Output tokens"
              value={usage && formatInteger(usage.total.outputTokens)}
              note={
                usage?.total.reasoningTokens
                  ? `${formatInteger(usage.total.reasoningTokens)} reasoning`
                  : null
              }
            />
            <Stat label="Cost" value={usage && formatCost(usage.total.costUsd)} />
          </dl>
          {usage && rows.length === 0 && (
            <p className="mt-3 text-sm text-muted">No answers yet this month.</p>
          )}
          {rows.length > 0 && (
            <div className={`${cardClass} mt-3 overflow-x-auto`}>
              <table className="w-full text-sm tabular-nums">
                <caption className="sr-only">Usage per model</caption>
                <thead>
                  <tr className="border-b border-line text-left text-[12px] text-muted">
                    <th scope="col" className="px-4 py-2 font-medium">
                      Model
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Answers
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Input
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Output
                    </th>
                    <th scope="col" className="px-4 py-2 text-right font-medium">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {rows.map((row) => (
                    <UsageRow key={row.model} name={names.get(row.model) ?? row.model} totals={row} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Section>
  );
}

function UsageRow({ name, totals }: { name: string; totals: UsageTotals }) {
  return (
    <tr>
      <th scope="row" className="max-w-48 truncate px-4 py-2.5 text-left font-normal" title={name}>
        {name}
      </th>
      <td className="px-3 py-2.5 text-right">{formatInteger(totals.answers)}</td>
      <td className="px-3 py-2.5 text-right">{formatInteger(totals.inputTokens)}</td>
      <td className="px-3 py-2.5 text-right">{formatInteger(totals.outputTokens)}</td>
      <td className="px-4 py-2.5 text-right">{formatCost(totals.costUsd)}</td>
    </tr>
  );
}

function Stat({ label, value, note }: { label: string; value: string | null; note?: string | null }) {
  return (
    <div className={`${cardClass} px-3.5 py-3`}>
      <dt className="text-[12px] text-muted">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums">
        {value ?? <span className="inline-block h-4 w-14 animate-skeleton rounded bg-subtle align-middle" />}
      </dd>
      {note && <dd className="text-[12px] text-muted tabular-nums">{note}</dd>}
    </div>
  );
}
