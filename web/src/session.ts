/**
 * Who this browser is: a guest or a signed-in account. The server decides (HttpOnly cookies; the
 * app never sees a token); this module remembers the answer for an instant first paint, checks it
 * again when the tab comes back, and bumps `identityVersion` whenever the identity changes so the
 * app remounts with the new person's chats and models.
 *
 * When the identity id changes (sign in to another account, sign out, a session that ended on
 * another device), everything cached for the previous one is wiped first.
 */
import { useSyncExternalStore } from "react";
import type { SessionUser } from "#protocol/http";
import { SESSION_STORAGE_KEY } from "./api/client.ts";
import { getSession } from "./api/chat.ts";
import { clearIdentityCache } from "./cache.ts";
import { navigate, parseRoute } from "./router.ts";
import { toast } from "./toasts.ts";

const KEY = SESSION_STORAGE_KEY;
const RECHECK_MS = 30_000;

function readSaved(): SessionUser | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<SessionUser> | null;
    if (!saved || typeof saved.id !== "string" || (saved.kind !== "guest" && saved.kind !== "user")) {
      return null;
    }
    return {
      id: saved.id,
      kind: saved.kind,
      email: typeof saved.email === "string" ? saved.email : null,
      displayName: typeof saved.displayName === "string" ? saved.displayName : null,
      role: saved.role === "admin" ? "admin" : "member",
      // Unknown (saved by an older version): assume confirmed until the server says otherwise.
      emailVerified: saved.emailVerified !== false,
    };
  } catch {
    return null;
  }
}

function save(user: SessionUser | null): void {
  try {
    if (user) localStorage.setItem(KEY, JSON.stringify(user));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: known for this tab only.
  }
}

interface SessionState {
  /** null until the first answer (and nothing was remembered). */
  user: SessionUser | null;
  /** Changes whenever the person behind this browser changes (or their access does). */
  identityVersion: number;
}

let state: SessionState = { user: readSaved(), identityVersion: 0 };
const listeners = new Set<() => void>();
let lastCheck = 0;

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionUser | null {
  return useSyncExternalStore(subscribe, () => state.user);
}

export function useIdentityVersion(): number {
  return useSyncExternalStore(subscribe, () => state.identityVersion);
}

/** The same number outside React: a socket opened for one identity can tell that it changed. */
export function currentIdentityVersion(): number {
  return state.identityVersion;
}

/** The display name for people: the name, else the email, else "Guest". */
export function accountLabel(user: SessionUser | null): string {
  if (!user || user.kind === "guest") return "Guest";
  return user.displayName?.trim() || user.email || "Account";
}

/** Bumped by every change this tab makes, so an older answer of checkSession cannot undo it. */
let changes = 0;

/**
 * Takes the server's word for who this is. `refetch` remounts the app even when the id stayed the
 * same (a guest who signs up keeps its id and its chats, but its models may change).
 */
export async function applyUser(user: SessionUser, { refetch = false } = {}): Promise<void> {
  changes++;
  const previous = state.user;
  // A guest whose id changed is the same person as far as anyone can tell (a lost cookie; api/client.ts
  // sends a first visit's requests after its first answer, so that one visit makes one guest):
  // keep the cache.
  // An account coming or going is another person.
  const changedId =
    previous !== null && previous.id !== user.id && (previous.kind === "user" || user.kind === "user");
  save(user);
  lastCheck = Date.now();
  // The in-memory cache goes synchronously, before the app remounts and reads it; IndexedDB after.
  const cleared = changedId ? clearIdentityCache() : Promise.resolve();
  // The first answer of a fresh browser is no change; another person (or new access) is.
  const bump = changedId || refetch;
  set({ user, identityVersion: state.identityVersion + (bump ? 1 : 0) });
  await cleared;
}

/** Asks the server who this browser is now (at start, and when the tab is shown again). */
export async function checkSession(): Promise<void> {
  lastCheck = Date.now();
  const before = changes;
  try {
    const user = await getSession();
    if (changes === before) await applyUser(user);
  } catch {
    // Offline or the server had a problem: keep what we knew; the next check tries again.
  }
}

/**
 * After signing out: the browser is a new guest, and nothing of the account may stay behind. The
 * caller has left any open chat first (its room saves on close; that must happen before this).
 */
export async function signedOut(): Promise<void> {
  changes++;
  save(null);
  const cleared = clearIdentityCache();
  set({ user: null, identityVersion: state.identityVersion + 1 });
  await cleared;
  await checkSession();
}

let ending: Promise<void> | null = null;
/** This tab's own sign-ins, sign-ups and sign-outs under way, each settling when it is done. */
const switches = new Set<Promise<void>>();

/**
 * Runs a sign-in, sign-up or sign-out of this tab. Its own request ends the session this tab's
 * sockets were opened with (the guest's, or the account's), and they are closed as signed out
 * while it is under way: that is expected, not news. Asking the server who this is at that moment
 * would race the request's own cookies, so such a socket waits until the change is done.
 */
export async function switchingSession<T>(work: () => Promise<T>): Promise<T> {
  const running = work();
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  switches.add(settled);
  try {
    return await running;
  } finally {
    switches.delete(settled);
  }
}

/**
 * A socket was closed because its session ended: signed out on another device or everywhere, a
 * password changed elsewhere, or this browser signed in or up in another tab. Asks the server who
 * this browser is now; losing the account is said aloud, and its open chat is left. During this
 * tab's own change of session it only waits for that change (the app remounts after it).
 */
export function sessionEnded(): Promise<void> {
  if (switches.size > 0) return Promise.all(switches).then(() => undefined);
  ending ??= (async () => {
    const before = state.user;
    await checkSession();
    if (before?.kind === "user" && state.user?.id !== before.id) {
      if (parseRoute(location.pathname).name === "chat") navigate("/", { replace: true });
      toast.info("You were signed out on this device.");
    }
  })().finally(() => {
    ending = null;
  });
  return ending;
}

let started = false;

export function startSession(): void {
  if (started) return;
  started = true;
  void checkSession();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && Date.now() - lastCheck > RECHECK_MS) void checkSession();
  });
}
