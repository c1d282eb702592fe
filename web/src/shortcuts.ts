/** The app-wide keyboard shortcuts (the `?` sheet lists them). */
import { useEffect, useRef } from "react";

export interface ShortcutHandlers {
  palette: () => void;
  newChat: () => void;
  toggleSidebar: () => void;
  modelPicker: () => void;
  focusComposer: () => void;
  help: () => void;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const h = ref.current;
      const mod = event.metaKey || event.ctrlKey;
      const key = event.key.toLowerCase();
      let action: (() => void) | null = null;
      if (mod && !event.shiftKey && !event.altKey && key === "k") action = h.palette;
      else if (mod && event.shiftKey && key === "o") action = h.newChat;
      else if (mod && !event.shiftKey && key === "b") action = h.toggleSidebar;
      else if (mod && (key === "/" || event.code === "Slash")) action = h.modelPicker;
      else if (!mod && !event.altKey && !isEditable(event.target)) {
        if (event.key === "?") action = h.help;
        else if (event.key === "/") action = h.focusComposer;
      }
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
