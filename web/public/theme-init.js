// Applies the saved theme before first paint (web/src/theme.ts keeps it in sync afterwards). A file
// of its own, not an inline script: the pages' CSP (web/public/_headers) allows scripts from 'self'
// only. It stays a classic, blocking script in <head> so the first paint already has the theme.
try {
  var t = localStorage.getItem("parley:theme");
  var dark = t === "dark" || (t !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
} catch {
  // No storage (private mode, blocked): web/src/theme.ts applies the system theme.
}
