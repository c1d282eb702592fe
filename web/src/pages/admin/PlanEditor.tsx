/**
 * The form for one plan: name, description, monthly price and currency, the Stripe price that
 * sells it, its limits (empty: the tier's), answers at once, and the models it leaves out. A
 * saved change applies to everyone on the plan from their next message.
 */
import { useId, useState, type FormEvent } from "react";
import { LoaderCircle } from "lucide-react";
import type { AdminModel, Limits } from "#protocol/admin";
import type { AdminPlan } from "#protocol/billing";
import { describeError } from "../../api/client.ts";
import { patchPlan } from "../../api/admin.ts";
import { inputClass, smallPrimary } from "../../ui/form.tsx";
import { toast } from "../../toasts.ts";
import { LimitFields } from "./LimitFields.tsx";
import { planChanges, planDrafts, type PlanDrafts, type PlanField } from "./plan-form.ts";

const labelClass = "block text-[13px] font-medium";
const hintClass = "text-[12px] text-muted";

export function PlanEditor({
  plan,
  models,
  tier,
  onSaved,
  onCancel,
}: {
  plan: AdminPlan;
  /** The catalogue, for the models the plan leaves out. */
  models: readonly AdminModel[];
  /** What the plan's tier gives where the plan sets nothing (placeholders). */
  tier: Limits | null;
  onSaved: (plan: AdminPlan) => void;
  onCancel: () => void;
}) {
  const [drafts, setDrafts] = useState<PlanDrafts>(() => planDrafts(plan));
  const [invalid, setInvalid] = useState<{ field: PlanField; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;

  const edit = <K extends keyof PlanDrafts>(field: K, value: PlanDrafts[K]) => {
    setDrafts((current) => ({ ...current, [field]: value }));
    if (invalid?.field === field) setInvalid(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = planChanges(plan, drafts);
    if ("invalid" in result) {
      setInvalid({ field: result.invalid, message: result.message });
      document.getElementById(id(result.invalid))?.focus();
      return;
    }
    if (Object.keys(result.change).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    try {
      const saved = await patchPlan(plan.id, result.change);
      toast.info(`Saved the ${saved.name} plan.`);
      onSaved(saved);
    } catch (error) {
      toast.error(describeError(error, "Could not save the plan."));
    } finally {
      setBusy(false);
    }
  };

  const text = (
    field: "name" | "description" | "price" | "currency" | "stripePriceId" | "concurrentGenerations",
  ) => ({
    id: id(field),
    value: drafts[field],
    onChange: (event: { target: { value: string } }) => edit(field, event.target.value),
    "aria-invalid": invalid?.field === field || undefined,
    "aria-describedby": `${id(field)}-hint`,
  });
  const hint = (field: PlanField, fallback: string) => (
    <p id={`${id(field)}-hint`} className={invalid?.field === field ? "text-[12px] text-danger" : hintClass}>
      {invalid?.field === field ? invalid.message : fallback}
    </p>
  );
  const known = new Set(models.map((model) => model.id));
  const choices = [
    ...models.map((model) => ({ id: model.id, name: model.name })),
    // Left out but no longer in the catalogue: still listed, so it can be let back in.
    ...drafts.excludedModels
      .filter((model) => !known.has(model))
      .map((model) => ({ id: model, name: model })),
  ];

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={`Edit the ${plan.name} plan`}>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={id("name")} className={labelClass}>
            Name
          </label>
          <input {...text("name")} maxLength={60} className={inputClass.replace("h-10", "h-9")} />
          {hint("name", "Shown on the pricing cards and the badge.")}
        </div>
        <div className="grid grid-cols-[1fr_5rem] gap-2">
          <div className="space-y-1">
            <label htmlFor={id("price")} className={labelClass}>
              Price per month
            </label>
            <input
              {...text("price")}
              type="number"
              inputMode="decimal"
              min={0}
              step={0.01}
              className={`${inputClass.replace("h-10", "h-9")} tabular-nums`}
            />
            {hint("price", "0: free.")}
          </div>
          <div className="space-y-1">
            <label htmlFor={id("currency")} className={labelClass}>
              Currency
            </label>
            <input
              {...text("currency")}
              maxLength={3}
              className={`${inputClass.replace("h-10", "h-9")} lowercase`}
            />
            {hint("currency", "usd, eur…")}
          </div>
        </div>
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={id("description")} className={labelClass}>
            Description
          </label>
          <input {...text("description")} maxLength={300} className={inputClass.replace("h-10", "h-9")} />
          {hint("description", "One line under the price.")}
        </div>
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={id("stripePriceId")} className={labelClass}>
            Stripe price id
          </label>
          <input
            {...text("stripePriceId")}
            placeholder="price_…"
            spellCheck={false}
            className={`${inputClass.replace("h-10", "h-9")} font-mono text-[13px]`}
          />
          {hint(
            "stripePriceId",
            "The recurring price in Stripe that sells this plan. Empty: it cannot be bought.",
          )}
        </div>
      </div>

      <h3 className="mt-5 mb-2 text-[13px] font-semibold">Limits</h3>
      <LimitFields
        idPrefix={uid}
        drafts={drafts.limits}
        beneath={tier}
        invalid={invalid && invalid.field in drafts.limits ? (invalid.field as keyof Limits) : null}
        onChange={(field, value) => {
          setDrafts((current) => ({ ...current, limits: { ...current.limits, [field]: value } }));
          if (invalid?.field === field) setInvalid(null);
        }}
      />
      <div className="mt-3 space-y-1 sm:w-1/2 sm:pr-1.5">
        <label htmlFor={id("concurrentGenerations")} className={labelClass}>
          Answers at once
        </label>
        <input
          {...text("concurrentGenerations")}
          type="number"
          inputMode="numeric"
          min={1}
          max={50}
          step={1}
          className={`${inputClass.replace("h-10", "h-9")} tabular-nums`}
        />
        {hint("concurrentGenerations", "Answers one person can have running together. Empty: the tier's.")}
      </div>

      <fieldset className="mt-5">
        <legend className="text-[13px] font-semibold">Models it leaves out</legend>
        <p className="mt-0.5 mb-2 text-[12px] text-muted">
          People on this plan see these in the picker with the plan that has them, and cannot send to them.
        </p>
        <div className="max-h-44 overflow-y-auto rounded-xl border border-line p-1">
          {choices.map((model) => (
            <label
              key={model.id}
              className="flex min-h-8 cursor-pointer items-center gap-2.5 rounded-lg px-2 text-[13px] hover:bg-hover"
            >
              <input
                type="checkbox"
                className="size-4 accent-accent"
                checked={drafts.excludedModels.includes(model.id)}
                onChange={(event) =>
                  edit(
                    "excludedModels",
                    event.target.checked
                      ? [...drafts.excludedModels, model.id]
                      : drafts.excludedModels.filter((other) => other !== model.id),
                  )
                }
              />
              <span className="min-w-0 flex-1 truncate">{model.name}</span>
              <span className="font-mono text-[11.5px] text-muted">{model.id}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="h-9 rounded-xl px-3 text-sm font-medium text-muted hover:bg-hover hover:text-ink"
        >
          Cancel
        </button>
        <button type="submit" className={smallPrimary} disabled={busy}>
          {busy && <LoaderCircle size={15} className="animate-spin" aria-hidden />}
          Save plan
        </button>
      </div>
    </form>
  );
}
