/**
 * `/settings`: account, plan, theme, default model, own provider keys, API tokens, this month's
 * usage and a download of everything Parley keeps about the person. `/settings#plan` (and any
 * other section's id) opens scrolled to that section.
 */
import { useEffect, useRef, type RefObject } from "react";
import { Download, Monitor, Moon, Sun } from "lucide-react";
import type { SessionUser } from "#protocol/http";
import type { ModelsState } from "../data.ts";
import { ACCOUNT_EXPORT_URL } from "../api/library.ts";
import { groupModels } from "../model-groups.ts";
import { setTheme, THEMES, useTheme, type ThemeChoice } from "../theme.ts";
import { AccountSection } from "./AccountSection.tsx";
import { needsUpgrade } from "../api/chat.ts";
import { KeysSection } from "./KeysSection.tsx";
import { PlanSection } from "./PlanSection.tsx";
import { Section } from "./Section.tsx";
import { secondaryButtonClass } from "../ui/form.tsx";
import { TokensSection } from "./TokensSection.tsx";
import { UsageSection } from "./UsageSection.tsx";

const THEME_LABELS: Record<ThemeChoice, { label: string; icon: typeof Sun }> = {
  system: { label: "System", icon: Monitor },
  light: { label: "Light", icon: Sun },
  dark: { label: "Dark", icon: Moon },
};

export interface SettingsPageProps {
  models: ModelsState;
  user: SessionUser | null;
  onSignIn: (mode: "signin" | "signup") => void;
  onSignOut: (everywhere: boolean) => void;
}

/**
 * Scrolls the page to the section the URL names and moves the focus to its heading, for keyboards
 * too. Only the page's own scroller moves (scrollIntoView would also shift the app's frame).
 */
function useSectionFromHash(scroller: RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const id = decodeURIComponent(location.hash.slice(1));
    const section = id ? document.getElementById(id) : null;
    const frame = scroller.current;
    if (!section || !frame) return;
    frame.scrollTop += section.getBoundingClientRect().top - frame.getBoundingClientRect().top;
    const heading = section.querySelector("h2");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }, [scroller]);
}

export default function SettingsPage({ models, user, onSignIn, onSignOut }: SettingsPageProps) {
  const theme = useTheme();
  const scroller = useRef<HTMLDivElement>(null);
  useSectionFromHash(scroller);
  return (
    <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto w-full max-w-2xl px-4 pt-4 pb-16 sm:px-6 sm:pt-8">
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <AccountSection user={user} onSignIn={onSignIn} onSignOut={onSignOut} />
        <PlanSection user={user} models={models} onSignIn={onSignIn} />
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
                  <option key={model.id} value={model.id} disabled={needsUpgrade(model)}>
                    {model.requiresPlan ? `${model.name} (${model.requiresPlan.name})` : model.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Section>
        <KeysSection user={user} models={models} onSignIn={onSignIn} />
        <TokensSection user={user} onSignIn={onSignIn} />
        <UsageSection models={models} />
        <Section
          id="data"
          title="Your data"
          description="One JSON file with your profile, every chat with all its messages, the providers you saved a key for (never the keys) and your usage."
        >
          <a href={ACCOUNT_EXPORT_URL} download className={secondaryButtonClass}>
            <Download size={15} aria-hidden />
            Download all my data
          </a>
        </Section>
      </div>
    </div>
  );
}
