/**
 * Whether an admin banned the person behind this browser. Any of three signs sets it: the hub's
 * `banned` frame, a socket closed with `CLOSE_CODES.banned` (hub or room), or an API answer
 * `403 banned` (the session request on load among them). Once set, the app shows the suspended
 * screen instead of itself, and no socket tries again; only a reload asks the server anew.
 */
import { useSyncExternalStore } from "react";

let suspended = false;
const listeners = new Set<() => void>();

export function markSuspended(): void {
  if (suspended) return;
  suspended = true;
  for (const listener of listeners) listener();
}

export function isSuspended(): boolean {
  return suspended;
}

export function useSuspended(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => suspended,
  );
}
