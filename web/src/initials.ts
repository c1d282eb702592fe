/**
 * The letters in a person's avatar, one rule for every place that draws one (the header's presence
 * stack, the people list, the account menu, Settings), so a person never looks like two people.
 */

const LETTER = /[\p{L}\p{N}]/u;

/** The first letter or digit of a word, if it has one. */
function firstLetter(word: string): string | undefined {
  return LETTER.exec(word)?.[0]?.toUpperCase();
}

/**
 * "Ana Lopez" → "AL", "ana" → "A", "Ana María López" → "AL" (first and last word). An email stands
 * for a person without a display name: its local part's pieces count as words, so
 * "ana.lopez@example.com" → "AL". Nothing usable → "?".
 */
export function initialsOf(label: string): string {
  const text = label.trim();
  const email = /^[^\s@]+@[^\s@]+$/.test(text);
  const words = (email ? (text.split("@")[0] ?? "").split(/[._+-]+/) : text.split(/\s+/))
    .map(firstLetter)
    .filter((letter): letter is string => letter !== undefined);
  const first = words[0];
  if (first === undefined) return "?";
  const last = words.length > 1 ? words.at(-1) : undefined;
  return first + (last ?? "");
}
