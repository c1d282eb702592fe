/**
 * Which sign-in dialog is open, app-wide: the sidebar, settings, the pages mailed links open and
 * `?auth=signin` (a link in Parley's mail) can all ask for it, and it survives the app remounting
 * when the person signs in.
 */
import { useSyncExternalStore } from "react";

export type AuthMode = "signin" | "signup" | "forgot";

let open: AuthMode | null = null;
const listeners = new Set<() => void>();

export function openAuthDialog(mode: AuthMode | null): void {
  open = mode;
  for (const listener of listeners) listener();
}

export function useAuthDialog(): AuthMode | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => open,
  );
}

/** Reads and clears `?auth=signin` from the address (the "sign in" link in Parley's mail). */
export function takeAuthRequest(): AuthMode | null {
  const url = new URL(location.href);
  const mode = url.searchParams.get("auth");
  if (mode === null) return null;
  url.searchParams.delete("auth");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  return mode === "signin" || mode === "signup" || mode === "forgot" ? mode : null;
}
