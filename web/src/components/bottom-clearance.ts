/**
 * Toasts float at the bottom of the screen, where the composer is. The composer (or the watcher's
 * bar in its place) reports its height here as the CSS variable `--bottom-clearance`, and the
 * toaster sits above it, so a toast never covers Send, the text or the hint under it, however tall
 * the composer grows while typing.
 */
import { useLayoutEffect, type RefObject } from "react";

export const CLEARANCE_VARIABLE = "--bottom-clearance";

export function useBottomClearance(ref: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const root = document.documentElement;
    const publish = () => {
      // Its distance from the viewport's bottom edge to its top edge, not only its height: the
      // phone keyboard or a bar under it moves it up.
      const clearance = Math.max(0, window.innerHeight - element.getBoundingClientRect().top);
      root.style.setProperty(CLEARANCE_VARIABLE, `${Math.round(clearance)}px`);
    };
    publish();
    const observer = new ResizeObserver(publish);
    observer.observe(element);
    window.addEventListener("resize", publish);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", publish);
      root.style.removeProperty(CLEARANCE_VARIABLE);
    };
  }, [ref]);
}
