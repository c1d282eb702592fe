/**
 * Unicode direction controls — embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069)
 * and marks (U+200E, U+200F, U+061C) — change the order in which the characters around them are
 * shown: "invoice\u202Efdp.exe" displays as "invoiceexe.pdf". Where text must be read as it really
 * is — a file's name, a link's address — Parley shows each control as a visible tag (⟨U+202E⟩)
 * instead of letting it act. Letters of right-to-left scripts are left alone.
 */
const CONTROL = "[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]";
const CONTROLS = new RegExp(CONTROL, "g");
const ANY_CONTROL = new RegExp(CONTROL);

export function hasDirectionControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/** `text` with each direction control replaced by a visible ⟨U+XXXX⟩ tag. */
export function showDirectionControls(text: string): string {
  return text.replace(
    CONTROLS,
    (control) => `⟨U+${(control.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`,
  );
}

/** `text` without its direction controls (to compare what it says with something else). */
export function withoutDirectionControls(text: string): string {
  return text.replace(CONTROLS, "");
}
