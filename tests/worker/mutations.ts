/**
 * Random, replayable mutations of a valid JSON body, for the fuzz tests: a fixed seed gives the
 * same bodies on every run, so a failure names a body that can be sent again.
 */
export type Rng = () => number;

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): Rng {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Text slipped in anywhere: JSON punctuation, escapes (some broken), control and wide characters. */
const INSERTS = [
  "{",
  "}",
  "[",
  "]",
  '"',
  ":",
  ",",
  "\\",
  "\\u00",
  "\\ud800",
  "\\udfff",
  "\\u0000",
  "\u0000",
  "\u0007",
  "\n",
  "\u2028",
  "é",
  "🎉",
  "\ud800",
  "nul",
  "tru",
  "1e999",
  "-0",
  "0x1F",
  "NaN",
  "Infinity",
  "//",
  "/*",
  "9".repeat(400),
  "[".repeat(3_000),
  " ",
];

/** Raw bytes that are not UTF-8 (a lone continuation byte, a truncated sequence, 0xff, a BOM). */
const BYTES = [[0xff], [0xc3], [0x80], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xf0, 0x9f], [0x00]];

function wrongValue(rng: Rng): unknown {
  return pick(rng, [
    () => Math.floor(rng() * 2e6) - 1e6,
    () => rng() > 0.5,
    () => null,
    () => [],
    () => [1, "two", { three: 3 }],
    () => ({ nested: { deeper: [null] } }),
    () => "",
    () => "x".repeat(40_000 + Math.floor(rng() * 10_000)),
    () => -1.5,
    () => 1e308,
    () => "\u0000",
  ])();
}

/** Every place in a JSON value a mutation can reach: [container, key] pairs. */
function places(value: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push([value, index]);
      places(item, out);
    });
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, key]);
      places(item, out);
    }
  }
  return out;
}

/** One to three mutations of `valid`; bytes when a raw byte was injected. */
export function mutate(rng: Rng, valid: unknown): string | Uint8Array {
  const value: unknown = structuredClone(valid);
  const kind = rng();
  if (kind < 0.35) {
    // Change the structure: retype, drop or add a field somewhere.
    const rounds = 1 + Math.floor(rng() * 2);
    for (let i = 0; i < rounds; i++) {
      const spots = places(value);
      const [container, key] = spots.length > 0 ? pick(rng, spots) : [null, ""];
      const what = rng();
      if (!container || what < 0.6) {
        if (container) (container as Record<string | number, unknown>)[key] = wrongValue(rng);
        else return JSON.stringify(wrongValue(rng));
      } else if (what < 0.8 && !Array.isArray(container)) delete container[key as string];
      else if (!Array.isArray(container)) container[`extra_${Math.floor(rng() * 100)}`] = wrongValue(rng);
    }
    return JSON.stringify(value);
  }
  let text = JSON.stringify(value);
  if (kind < 0.55) return text.slice(0, Math.floor(rng() * text.length));
  if (kind < 0.85) {
    const rounds = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < rounds; i++) {
      const at = Math.floor(rng() * (text.length + 1));
      text =
        rng() < 0.2
          ? text.slice(0, at) + text.slice(at + 1)
          : text.slice(0, at) + pick(rng, INSERTS) + text.slice(at);
    }
    return text;
  }
  const bytes = new TextEncoder().encode(text);
  const at = Math.floor(rng() * (bytes.length + 1));
  const inserted = pick(rng, BYTES);
  const out = new Uint8Array(bytes.length + inserted.length);
  out.set(bytes.subarray(0, at));
  out.set(inserted, at);
  out.set(bytes.subarray(at), at + inserted.length);
  return out;
}
