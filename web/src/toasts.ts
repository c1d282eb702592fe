/** A tiny toast queue (failures, confirmations) shown by <Toaster />; no library needed. */
import { useSyncExternalStore } from "react";

export interface Toast {
  id: number;
  tone: "error" | "info";
  message: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((toast) => toast.id !== id);
  emit();
}

function push(tone: Toast["tone"], message: string): void {
  // The same failure twice in a row is shown once.
  if (toasts.some((toast) => toast.message === message)) return;
  const id = nextId++;
  toasts = [...toasts.slice(-2), { id, tone, message }];
  emit();
  setTimeout(() => dismissToast(id), tone === "error" ? 6_000 : 3_000);
}

export const toast = {
  error: (message: string) => push("error", message),
  info: (message: string) => push("info", message),
};

export function useToasts(): Toast[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
  );
}
