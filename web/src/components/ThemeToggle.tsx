import { Monitor, Moon, Sun } from "lucide-react";
import { cycleTheme, nextTheme, useTheme, type ThemeChoice } from "../theme.ts";

const NAMES: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };
const ICONS = { system: Monitor, light: Sun, dark: Moon } as const;

/**
 * Steps through system → light → dark, showing the current choice: "System" stays a choice of its
 * own (it follows the device), as in Settings.
 */
export function ThemeToggle() {
  const theme = useTheme();
  const Icon = ICONS[theme];
  const now = theme === "system" ? "System (follows your device)" : NAMES[theme];
  const label = `Theme: ${now}. Switch to ${NAMES[nextTheme(theme)]}`;
  return (
    <button
      type="button"
      onClick={() => cycleTheme()}
      aria-label={label}
      title={label}
      data-testid="theme-toggle"
      data-theme-choice={theme}
      className="grid size-10 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink"
    >
      <Icon size={17} aria-hidden />
    </button>
  );
}
