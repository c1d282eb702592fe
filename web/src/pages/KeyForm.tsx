/**
 * The form that adds or replaces one provider key: the key is pasted, checked for length, and
 * sent once; password managers are kept out of the field, and Esc cancels.
 */
import { useState, type FormEvent } from "react";
import { LoaderCircle } from "lucide-react";
import type { StoredKey } from "#protocol/http";
import { ApiError, describeError } from "../api/client.ts";
import { fieldError, saveKey } from "../api/account.ts";
import { describedBy, inputClass, smallPrimary, secondaryButtonClass } from "../ui/form.tsx";
import { providerLabel } from "../model-groups.ts";

const KEY_PLACEHOLDERS: Record<string, string> = {
  openai: "sk-…",
  anthropic: "sk-ant-…",
  gemini: "AIza…",
  openrouter: "sk-or-…",
  deepseek: "sk-…",
};

export function KeyForm({
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
