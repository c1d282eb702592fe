import { Moon, Sun } from "lucide-react";
import { currentTheme, setTheme, useTheme } from "../theme.ts";

/** Flips between light and dark (Settings also offers "System"). */
export function ThemeToggle() {
  useTheme();
  const dark = currentTheme() === "dark";
  return (
    <button
      type="button"
      onClick={() => setTheme(dark ? "light" : "dark")}
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      title={dark ? "Light theme" : "Dark theme"}
      data-testid="theme-toggle"
      className="grid size-10 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink"
    >
      {dark ? <Sun size={17} aria-hidden /> : <Moon size={17} aria-hidden />}
    </button>
  );
}
