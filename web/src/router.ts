/**
 * A tiny history-API router: `/` (new chat), `/c/:id` (a conversation), `/s/:token` (a conversation
 * someone shared by link), `/settings`, `/admin[/<tab>]`, and the pages links in Parley's mail
 * open: `/verify`, `/reset` and `/email` (each with `?token=`).
 */
import { useSyncExternalStore } from "react";

export type Route =
  | { name: "new" }
  | { name: "chat"; id: string }
  | { name: "share"; token: string }
  | { name: "settings" }
  | { name: "admin"; tab: string | null }
  | { name: "link"; page: "verify" | "reset" | "email" }
  | { name: "unknown" };

export function parseRoute(pathname: string): Route {
  if (pathname === "/" || pathname === "") return { name: "new" };
  if (pathname === "/settings" || pathname === "/settings/") return { name: "settings" };
  const link = /^\/(verify|reset|email)\/?$/.exec(pathname)?.[1];
  if (link === "verify" || link === "reset" || link === "email") return { name: "link", page: link };
  const admin = /^\/admin(?:\/([^/]+))?\/?$/.exec(pathname);
  if (admin) return { name: "admin", tab: admin[1] ?? null };
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) return { name: "chat", id: decodeURIComponent(match[1]) };
  const shared = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (shared?.[1]) return { name: "share", token: decodeURIComponent(shared[1]) };
  return { name: "unknown" };
}

const NAVIGATE_EVENT = "parley:navigate";

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

function getPathname(): string {
  return location.pathname;
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, getPathname);
}

/** Client-side navigation for plain left clicks on internal links; lets modified clicks through. */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = event.currentTarget.getAttribute("href");
  if (!href?.startsWith("/")) return;
  event.preventDefault();
  navigate(href);
}
