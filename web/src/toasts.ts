/** A tiny toast queue (failures, confirmations, undo offers) shown by <Toaster />; no library needed. */
import { useSyncExternalStore } from "react";

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  tone: "error" | "info";
  message: string;
  /** One button beside the message (e.g. Undo); using it dismisses the toast. */
  action?: ToastAction;
  /** A stable name for tests (`data-testid` of the message), for toasts worth finding. */
  testId?: string;
}

export interface ToastOptions {
  action?: ToastAction;
  /** How long the toast stays; by default 6 s for errors, 3 s otherwise. */
  durationMs?: number;
  testId?: string;
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

function push(tone: Toast["tone"], message: string, options: ToastOptions = {}): void {
  // The same failure twice in a row is shown once; an offer to undo is about one particular thing.
  if (!options.action && toasts.some((toast) => !toast.action && toast.message === message)) return;
  const id = nextId++;
  const next: Toast = {
    id,
    tone,
    message,
    ...(options.action ? { action: options.action } : {}),
    ...(options.testId ? { testId: options.testId } : {}),
  };
  toasts = [...toasts.slice(-2), next];
  emit();
  setTimeout(() => dismissToast(id), options.durationMs ?? (tone === "error" ? 6_000 : 3_000));
}

export const toast = {
  error: (message: string, options?: ToastOptions) => push("error", message, options),
  info: (message: string, options?: ToastOptions) => push("info", message, options),
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
