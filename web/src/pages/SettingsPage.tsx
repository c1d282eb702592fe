/** `/settings`: theme and default model (API keys and usage arrive in later issues). */
import { KeyRound, Monitor, Moon, Sun, BarChart3 } from "lucide-react";
import type { ReactNode } from "react";
import type { ModelsState } from "../data.ts";
import { groupModels } from "../model-groups.ts";
import { setTheme, THEMES, useTheme, type ThemeChoice } from "../theme.ts";

const THEME_LABELS: Record<ThemeChoice, { label: string; icon: typeof Sun }> = {
  system: { label: "System", icon: Monitor },
  light: { label: "Light", icon: Sun },
  dark: { label: "Dark", icon: Moon },
};

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <section className="border-b border-line py-7 last:border-0">
      <h2 className="text-[15px] font-semibold">{title}</h2>
      <p className="mt-1 text-sm text-muted">{description}</p>
      <div className="mt-4">{children}</div>
    </section>
  );
}

export default function SettingsPage({ models }: { models: ModelsState }) {
  const theme = useTheme();
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto w-full max-w-2xl px-4 pt-4 pb-16 sm:px-6 sm:pt-8">
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <Section title="Appearance" description="Follow your system, or pick a theme for this browser.">
          <div role="radiogroup" aria-label="Theme" className="grid grid-cols-3 gap-2 sm:max-w-md">
            {THEMES.map((choice) => {
              const { label, icon: Icon } = THEME_LABELS[choice];
              const checked = theme === choice;
              return (
                <button
                  key={choice}
                  type="button"
                  role="radio"
                  aria-checked={checked}
                  onClick={() => setTheme(choice)}
                  className={`flex h-20 flex-col items-center justify-center gap-2 rounded-xl border text-sm transition-colors ${
                    checked
                      ? "border-accent bg-accent-soft font-medium text-accent"
                      : "border-line hover:border-line-strong"
                  }`}
                >
                  <Icon size={18} aria-hidden />
                  {label}
                </button>
              );
            })}
          </div>
        </Section>
        <Section
          title="Default model"
          description="New chats start with this model; the composer remembers your last choice."
        >
          <label className="sr-only" htmlFor="default-model">
            Default model
          </label>
          <select
            id="default-model"
            value={models.model ?? ""}
            disabled={!models.loaded}
            onChange={(event) => models.setModel(event.target.value)}
            className="h-10 w-full rounded-xl border border-line bg-surface px-3 text-sm sm:max-w-md"
          >
            {groupModels(models.models).map((group) => (
              <optgroup key={group.provider} label={group.label}>
                {group.models.map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Section>
        <Section title="API keys" description="Bring your own keys for OpenAI, Anthropic, Gemini and more.">
          <Placeholder icon={<KeyRound size={16} aria-hidden />} text="Coming soon" />
        </Section>
        <Section title="Usage" description="Tokens and cost per model and per day.">
          <Placeholder icon={<BarChart3 size={16} aria-hidden />} text="Coming soon" />
        </Section>
      </div>
    </div>
  );
}

function Placeholder({ icon, text }: { icon: ReactNode; text: string }) {
  return (
    <div className="flex h-14 items-center gap-2.5 rounded-xl border border-dashed border-line-strong px-4 text-sm text-muted">
      {icon}
      {text}
    </div>
  );
}
