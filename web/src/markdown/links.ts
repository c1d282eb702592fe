/**
 * What a link in an answer says on hover. A model (or whatever it quotes) can write a link whose
 * text reads like one address and whose target is another — `[https://your-bank.example](https://
 * evil.example)` — or hide direction controls in either so that they display differently from
 * what they are. Such a link keeps working, but its title names the real target, with any
 * direction controls shown as ⟨U+XXXX⟩ tags, and says why. Other links keep their own title.
 */
import { hasDirectionControls, showDirectionControls, withoutDirectionControls } from "../direction.ts";

export interface LinkCheck {
  /** The hover text (undefined: none). */
  title: string | undefined;
  /** Whether the link's text and target disagree. */
  mismatch: boolean;
}

const EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/u;
/** Reads as a web address: an optional scheme, a dotted host, an optional port and path. */
const ADDRESS = /^(?:https?:\/\/)?(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}\.?(?::\d+)?(?:[/?#]\S*)?$/iu;

/** The address a link's text shows, when it reads as one. */
function shownAddress(text: string): URL | null {
  const plain = withoutDirectionControls(text).trim();
  try {
    if (EMAIL.test(plain)) return new URL(`mailto:${plain}`);
    if (!ADDRESS.test(plain)) return null;
    return new URL(/^https?:\/\//i.test(plain) ? plain : `https://${plain}`);
  } catch {
    return null;
  }
}

function resolve(href: string): URL | null {
  try {
    return new URL(href, globalThis.location?.href ?? "https://localhost/");
  } catch {
    return null;
  }
}

const host = (url: URL) =>
  url.hostname
    .toLowerCase()
    .replace(/^www\./, "")
    .replace(/\.$/, "");
const place = (url: URL) => `${host(url)}${url.pathname}${url.search}${url.hash}`.replace(/\/+$/, "");

/** Whether `target` is where the address a link shows leads (same host; within its path). */
function leadsTo(shown: URL, target: URL): boolean {
  if (shown.protocol === "mailto:") {
    return target.protocol === "mailto:" && target.pathname.toLowerCase() === shown.pathname.toLowerCase();
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return false;
  return place(target).startsWith(place(shown)) && host(target) === host(shown);
}

export function checkLink(text: string, href: string, title?: string | null): LinkCheck {
  const target = showDirectionControls(href);
  if (hasDirectionControls(text) || hasDirectionControls(href)) {
    return { mismatch: true, title: `Opens ${target} — this link hides direction controls (shown as ⟨U+…⟩)` };
  }
  const shown = shownAddress(text);
  const resolved = resolve(href);
  if (shown && (!resolved || !leadsTo(shown, resolved))) {
    return { mismatch: true, title: `Opens ${target} — not the address its text shows` };
  }
  return { mismatch: false, title: title ? showDirectionControls(title) : undefined };
}
