import type { ModelInfo } from "../../../worker/protocol/index.ts";

const PROVIDER_NAMES: Record<string, string> = { demo: "Demo", openai: "OpenAI", anthropic: "Anthropic" };

export function ModelSelect({
  models,
  value,
  onChange,
}: {
  models: ModelInfo[];
  value: string | null;
  onChange: (id: string) => void;
}) {
  const providers = [...new Set(models.map((m) => m.provider))];
  return (
    <label className="relative inline-flex max-w-[60%] items-center">
      <span className="sr-only">Model</span>
      <select
        value={value ?? ""}
        onChange={(event) => onChange(event.target.value)}
        disabled={models.length === 0}
        className="h-8 max-w-full cursor-pointer appearance-none truncate rounded-lg bg-transparent pr-7 pl-2.5 text-[13px] text-muted transition-colors hover:bg-hover hover:text-ink disabled:cursor-default"
      >
        {models.length === 0 && <option value="">Loading models…</option>}
        {providers.map((provider) => (
          <optgroup key={provider} label={PROVIDER_NAMES[provider] ?? provider}>
            {models
              .filter((m) => m.provider === provider)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <svg
        viewBox="0 0 24 24"
        width="14"
        height="14"
        aria-hidden="true"
        className="pointer-events-none absolute right-2 text-muted"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d="m6 9 6 6 6-6" />
      </svg>
    </label>
  );
}
