/**
 * The four limit fields as an admin edits them: what each one means and accepts, the text in the
 * inputs as drafts (empty means "not overridden") and how drafts become overrides, and the inputs
 * themselves, each showing what applies when it is left empty.
 */
import { LIMIT_FIELDS, type LimitField, type LimitOverrides, type Limits } from "#protocol/admin";
import { inputClass } from "../../ui/form.tsx";
import { formatInteger } from "../../format.ts";

const FIELD_INFO: Record<LimitField, { label: string; unit: string; integer: boolean; min: number }> = {
  rateLimit: { label: "Messages per window", unit: "", integer: true, min: 1 },
  rateWindowSeconds: { label: "Window", unit: "seconds", integer: true, min: 1 },
  monthlyTokens: { label: "Tokens per month", unit: "0 = no cap", integer: true, min: 0 },
  monthlyCostUsd: { label: "Cost per month", unit: "USD, 0 = no cap", integer: false, min: 0 },
};

export function describeLimit(field: LimitField, value: number): string {
  if (field === "rateWindowSeconds") {
    return value % 60 === 0 ? `${value / 60} min` : `${value} s`;
  }
  if ((field === "monthlyTokens" || field === "monthlyCostUsd") && value === 0) return "no cap";
  if (field === "monthlyCostUsd") return `$${value}`;
  return formatInteger(value);
}

type Drafts = Record<LimitField, string>;

export const toDrafts = (overrides: LimitOverrides): Drafts => ({
  rateLimit: overrides.rateLimit?.toString() ?? "",
  rateWindowSeconds: overrides.rateWindowSeconds?.toString() ?? "",
  monthlyTokens: overrides.monthlyTokens?.toString() ?? "",
  monthlyCostUsd: overrides.monthlyCostUsd?.toString() ?? "",
});

/** Drafts as overrides (empty: null), or the first field that is not a valid value. */
export function fromDrafts(
  drafts: Drafts,
): { overrides: Record<LimitField, number | null> } | { invalid: LimitField } {
  const overrides: Record<LimitField, number | null> = {
    rateLimit: null,
    rateWindowSeconds: null,
    monthlyTokens: null,
    monthlyCostUsd: null,
  };
  for (const field of LIMIT_FIELDS) {
    const text = drafts[field].trim();
    if (text === "") continue;
    const value = Number(text);
    const info = FIELD_INFO[field];
    if (!Number.isFinite(value) || value < info.min || (info.integer && !Number.isInteger(value))) {
      return { invalid: field };
    }
    overrides[field] = value;
  }
  return { overrides };
}

/** The four limit fields, each showing what applies when it is left empty. */
export function LimitFields({
  idPrefix,
  drafts,
  beneath,
  invalid,
  onChange,
}: {
  idPrefix: string;
  drafts: Drafts;
  beneath: Limits | null;
  invalid: LimitField | null;
  onChange: (field: LimitField, value: string) => void;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {LIMIT_FIELDS.map((field) => {
        const info = FIELD_INFO[field];
        const id = `${idPrefix}-${field}`;
        return (
          <div key={field} className="space-y-1">
            <label htmlFor={id} className="block text-[13px] font-medium">
              {info.label} {info.unit && <span className="font-normal text-muted">({info.unit})</span>}
            </label>
            <input
              id={id}
              type="number"
              inputMode={info.integer ? "numeric" : "decimal"}
              min={info.min}
              step={info.integer ? 1 : 0.01}
              value={drafts[field]}
              placeholder={beneath ? String(beneath[field]) : ""}
              aria-invalid={invalid === field || undefined}
              aria-describedby={`${id}-hint`}
              onChange={(event) => onChange(field, event.target.value)}
              className={`${inputClass} h-9 tabular-nums`}
            />
            <p id={`${id}-hint`} className="text-[12px] text-muted">
              {invalid === field
                ? `Enter a number of at least ${info.min}${info.integer ? ", without decimals" : ""}.`
                : beneath
                  ? `Empty: ${describeLimit(field, beneath[field])}`
                  : "Empty: the default"}
            </p>
          </div>
        );
      })}
    </div>
  );
}
