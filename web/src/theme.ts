/**
 * Light, dark or follow the system. The choice is kept in localStorage; web/public/theme-init.js
 * applies it before first paint (no flash), this module keeps `<html data-theme>` in sync afterwards.
 */
import { useSyncExternalStore } from "react";

export const THEMES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEMES)[number];

const KEY = "parley:theme";
const media = () => window.matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set<() => void>();

function readChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(KEY);
    return THEMES.find((theme) => theme === saved) ?? "system";
  } catch {
    return "system";
  }
}

let choice: ThemeChoice = readChoice();

function apply(): void {
  const dark = choice === "dark" || (choice === "system" && media().matches);
  const root = document.documentElement;
  root.dataset.theme = dark ? "dark" : "light";
  const meta = document.querySelector('meta[name="theme-color"]');
  meta?.setAttribute("content", dark ? "#151517" : "#fbfbfa");
}

export function startTheme(): void {
  apply();
  media().addEventListener("change", () => {
    if (choice !== "system") return;
    apply();
    for (const listener of listeners) listener();
  });
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    choice = readChoice();
    apply();
    for (const listener of listeners) listener();
  });
}

export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // Storage disabled: the choice lasts for this tab.
  }
  apply();
  for (const listener of listeners) listener();
}

/** The choice after `from` in the toggle's round: system → light → dark → system. */
export function nextTheme(from: ThemeChoice): ThemeChoice {
  return THEMES[(THEMES.indexOf(from) + 1) % THEMES.length] ?? "system";
}

/** One step of the toggle's round (the sidebar button and the palette). */
export function cycleTheme(): ThemeChoice {
  const next = nextTheme(choice);
  setTheme(next);
  return next;
}

/** The resolved theme: what "system" means on this device right now. */
export function currentTheme(): "light" | "dark" {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(subscribe, () => choice);
}
