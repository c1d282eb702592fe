/**
 * Stripe's v1 request encoding, read back: the SDK sends `application/x-www-form-urlencoded`
 * bodies (and GET query strings) with nested keys, `line_items[0][price]=price_1` or
 * `metadata[account]=42`. Indexed keys become arrays; every leaf stays a string, as on the wire
 * (`"true"`, `"1700000000"`), and an empty string means "unset" to Stripe.
 */

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** `a[b][0][c]` → `["a", "b", "0", "c"]`; null for a key that is not in that shape. */
function keyPath(key: string): string[] | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return null;
  const rest = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? "");
  return [match[1] ?? "", ...rest];
}

function isFormObject(value: FormValue | undefined): value is FormObject {
  return typeof value === "object" && !Array.isArray(value);
}

/** Objects whose keys are 0..n-1 were arrays on the client side. */
function arraysFromIndexes(value: FormValue): FormValue {
  if (!isFormObject(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = Object.create(null) as FormObject;
  for (const key of keys) converted[key] = arraysFromIndexes(value[key]!);
  const indexed = keys.length > 0 && keys.every((key, index) => key === String(index));
  return indexed ? keys.map((key) => converted[key]!) : converted;
}

export function parseStripeForm(encoded: string): FormObject {
  // Null-prototype objects: a `__proto__[x]` key must not reach Object.prototype.
  const root: FormObject = Object.create(null) as FormObject;
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = keyPath(key);
    if (!path) continue;
    let node = root;
    path.forEach((segment, index) => {
      // `expand[]=x` (an unindexed array) appends, as qs would.
      const name = segment === "" ? String(Object.keys(node).length) : segment;
      if (index === path.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (!isFormObject(next)) node[name] = Object.create(null) as FormObject;
      node = node[name] as FormObject;
    });
  }
  return arraysFromIndexes(root) as FormObject;
}

/** A string leaf, or undefined when the field is absent or nested. */
export function formString(form: FormObject, key: string): string | undefined {
  const value = form[key];
  return typeof value === "string" ? value : undefined;
}

/** `metadata[k]=v` leaves as a flat record (Stripe keeps metadata flat and string-valued). */
export function formMetadata(value: FormValue | undefined): Record<string, string> {
  if (!isFormObject(value)) return {};
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === "string",
  );
  return Object.fromEntries(entries);
}

/**
 * Stripe's metadata update rule: keys are merged, a key set to "" is removed, and `metadata=""`
 * clears everything.
 */
export function mergeMetadata(
  current: Record<string, string>,
  update: FormValue | undefined,
): Record<string, string> {
  if (update === undefined) return current;
  if (update === "") return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(formMetadata(update))) {
    if (value === "") delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Whether an object's metadata holds every `metadata[k]=v` pair of a control query. */
export function metadataMatches(metadata: Record<string, string>, query: FormObject): boolean {
  return Object.entries(formMetadata(query.metadata)).every(([key, value]) => metadata[key] === value);
}
