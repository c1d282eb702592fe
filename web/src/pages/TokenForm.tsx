/**
 * Creating a personal access token on /settings: a name, an expiry and whether its calls keep
 * their chats; then the secret, shown this once with a Copy button (the server keeps only a hash).
 */
import { useId, useState, type FormEvent } from "react";
import { Check, Copy, LoaderCircle, Plus, TriangleAlert } from "lucide-react";
import { MAX_TOKEN_NAME_CHARS, type CreatedToken } from "#protocol/tokens";
import { describeError } from "../api/client.ts";
import { createToken, fieldError } from "../api/account.ts";
import { copyText } from "../clipboard.ts";
import { describedBy, inputClass, smallPrimary, secondaryButtonClass } from "../ui/form.tsx";
import { toast } from "../toasts.ts";
import { cardClass } from "../ui/card.ts";

const EXPIRY_CHOICES = [
  { days: 0, label: "Never" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;

export function TokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const [name, setName] = useState("");
  const [days, setDays] = useState<number>(90);
  const [keepHistory, setKeepHistory] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setError("Name it after where you will use it, like “laptop script”.");
      return;
    }
    setBusy(true);
    try {
      const created = await createToken({
        name: trimmed,
        keepHistory,
        ...(days > 0 ? { expiresInDays: days } : {}),
      });
      setName("");
      onCreated(created);
    } catch (reason) {
      const named = fieldError(reason, ["name"]);
      setError(named?.message ?? describeError(reason, "Could not create the token."));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="New API token"
      className={`${cardClass} space-y-3 p-4`}
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1 space-y-1.5">
          <label htmlFor={`${id}-name`} className="block text-[13px] font-medium">
            Name
          </label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={MAX_TOKEN_NAME_CHARS}
            autoComplete="off"
            placeholder="laptop script"
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
            className={`${inputClass} h-9`}
            {...describedBy(`${id}-name`, error)}
          />
        </div>
        <div className="space-y-1.5 sm:w-36">
          <label htmlFor={`${id}-expiry`} className="block text-[13px] font-medium">
            Expires
          </label>
          <select
            id={`${id}-expiry`}
            value={days}
            onChange={(event) => setDays(Number(event.target.value))}
            className="h-9 w-full rounded-xl border border-line bg-surface px-3 text-sm"
          >
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.days} value={choice.days}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p id={`${id}-name-error`} className="text-[13px] text-danger">
          {error}
        </p>
      )}
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <label className="flex flex-1 items-start gap-2.5 text-sm">
          <input
            type="checkbox"
            checked={keepHistory}
            onChange={(event) => setKeepHistory(event.target.checked)}
            className="mt-0.5 size-4 shrink-0 accent-accent"
          />
          <span>
            Keep history
            <span className="block text-[13px] text-muted">
              Each call becomes a chat you can open and watch live. Off: only its usage is kept.
            </span>
          </span>
        </label>
        <button type="submit" disabled={busy} className={smallPrimary}>
          {busy ? (
            <LoaderCircle size={15} aria-hidden className="motion-safe:animate-spin" />
          ) : (
            <Plus size={15} aria-hidden />
          )}
          Create token
        </button>
      </div>
    </form>
  );
}

/** The new token's secret, this once: copy it now or make another token later. */
export function NewSecret({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (await copyText(created.secret)) {
      setCopied(true);
      setTimeout(() => setCopied(false), 2_000);
    } else {
      toast.error("Your browser did not allow copying. Select the token and copy it by hand.");
    }
  };
  return (
    <div
      role="status"
      data-testid="new-token"
      className="mb-3 space-y-3 rounded-xl border border-accent/40 bg-accent-soft/40 p-4"
    >
      <p className="flex items-start gap-2 text-sm">
        <TriangleAlert size={16} aria-hidden className="mt-0.5 shrink-0 text-warn" />
        <span>
          <span className="font-medium">Copy “{created.token.name}” now.</span> It won’t be shown again:
          Parley keeps only a fingerprint of it.
        </span>
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <label className="sr-only" htmlFor="new-token-secret">
          Your new API token
        </label>
        <input
          id="new-token-secret"
          readOnly
          value={created.secret}
          spellCheck={false}
          onFocus={(event) => event.target.select()}
          className={`${inputClass} h-9 min-w-0 flex-1 font-mono text-[13px]`}
        />
        <div className="flex shrink-0 gap-2">
          <button type="button" className={smallPrimary} onClick={() => void copy()}>
            {copied ? <Check size={15} aria-hidden /> : <Copy size={15} aria-hidden />}
            {copied ? "Copied" : "Copy"}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={onDone}>
            Done
          </button>
        </div>
      </div>
    </div>
  );
}
