/**
 * Models: turn each on or off, edit its prices and output cap in place, pick the default. A change
 * is saved as soon as it is made (a toggle, or leaving a field), and every one lands in the audit log.
 */
import { useState, type KeyboardEvent } from "react";
import { Star } from "lucide-react";
import { describeError } from "../../api/client.ts";
import type { AdminModel, AdminModelPatch } from "#protocol/admin";
import { listAdminModels, patchModel, setDefaultModel } from "../../api/admin.ts";
import { formatContext, providerLabel } from "../../model-groups.ts";
import { toast } from "../../toasts.ts";
import {
  Badge,
  Panel,
  Switch,
  TableNote,
  numberInputClass,
  tableClass,
  tdClass,
  thClass,
  useLoaded,
} from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

type PriceField = keyof AdminModel["pricing"];
const PRICE_COLUMNS: Array<{ field: PriceField; label: string }> = [
  { field: "inputPerMTok", label: "Input" },
  { field: "cachedInputPerMTok", label: "Cached" },
  { field: "outputPerMTok", label: "Output" },
];

/**
 * A number edited in place: saved when the field is left or Enter is pressed, put back with
 * Escape or when the value is not a valid number.
 */
function NumberCell({
  value,
  label,
  step,
  integer = false,
  disabled,
  onSave,
}: {
  value: number;
  label: string;
  step: string;
  integer?: boolean;
  disabled: boolean;
  onSave: (value: number) => Promise<void>;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? String(value);
  const parsed = Number(text);
  const valid =
    text.trim() !== "" && Number.isFinite(parsed) && parsed >= 0 && (!integer || Number.isInteger(parsed));

  const commit = async () => {
    if (draft === null) return;
    if (!valid || parsed === value) {
      setDraft(null);
      return;
    }
    try {
      await onSave(parsed);
    } finally {
      setDraft(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") event.currentTarget.blur();
    if (event.key === "Escape") {
      setDraft(null);
      requestAnimationFrame(() => event.currentTarget?.blur());
    }
  };

  return (
    <input
      type="number"
      inputMode="decimal"
      min={0}
      step={step}
      aria-label={label}
      aria-invalid={!valid || undefined}
      disabled={disabled}
      value={text}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={() => void commit()}
      onKeyDown={onKeyDown}
      className={numberInputClass}
    />
  );
}

export function ModelsTab() {
  const loaded = useLoaded(listAdminModels, "models", "the models");
  const { data, setData } = loaded;
  const models = data?.models ?? [];

  const replace = (model: AdminModel) =>
    setData((current) =>
      current ? { ...current, models: current.models.map((m) => (m.id === model.id ? model : m)) } : current,
    );

  const save = async (model: AdminModel, patch: AdminModelPatch, done: string) => {
    try {
      replace(await patchModel(model.id, patch));
      toast.info(done);
    } catch (error) {
      toast.error(describeError(error, `Could not change ${model.name}.`));
    }
  };

  const toggle = async (model: AdminModel, enabled: boolean) => {
    // Shown at once; put back if the server refuses.
    replace({ ...model, enabled });
    try {
      replace(await patchModel(model.id, { enabled }));
      toast.info(`${model.name} is ${enabled ? "on" : "off"} for everyone.`);
    } catch (error) {
      replace(model);
      toast.error(describeError(error, `Could not change ${model.name}.`));
    }
  };

  const makeDefault = async (model: AdminModel) => {
    const next = model.isDefault ? null : model.id;
    try {
      const chosen = await setDefaultModel(next);
      setData((current) =>
        current
          ? {
              defaultModel: chosen,
              models: current.models.map((m) => ({ ...m, isDefault: m.id === chosen })),
            }
          : current,
      );
      toast.info(chosen ? `${model.name} is the default model.` : "No default model is set.");
    } catch (error) {
      toast.error(describeError(error, "Could not change the default model."));
    }
  };

  const enabledCount = models.filter((model) => model.enabled).length;
  return (
    <Panel
      title="Models"
      description={
        data
          ? `${enabledCount} of ${models.length} models are on. Prices are USD per million tokens; answers keep the price they were made at.`
          : "The catalogue everyone picks from."
      }
    >
      <div className={`${cardClass} overflow-x-auto`}>
        {models.length === 0 ? (
          <TableNote
            loading={loaded.loading}
            error={loaded.error}
            empty="No models."
            onRetry={loaded.reload}
          />
        ) : (
          <table className={tableClass} aria-label="Models">
            <thead>
              <tr>
                <th className={thClass}>Model</th>
                <th className={thClass}>On</th>
                {PRICE_COLUMNS.map((column) => (
                  <th key={column.field} className={`${thClass} text-right`}>
                    {column.label} $/M
                  </th>
                ))}
                <th className={`${thClass} text-right`}>Max output</th>
                <th className={`${thClass} text-center`}>Default</th>
              </tr>
            </thead>
            <tbody>
              {models.map((model) => (
                <tr key={model.id} data-model-id={model.id} className={model.enabled ? "" : "text-muted"}>
                  <td className={`${tdClass} min-w-56`}>
                    <div className="flex flex-wrap items-center gap-1.5">
                      <span className={`font-medium ${model.enabled ? "text-ink" : ""}`}>{model.name}</span>
                      {!model.available && <Badge tone="warn">No server key</Badge>}
                      {!model.editable && <Badge>Configured</Badge>}
                    </div>
                    <div className="mt-0.5 text-[12px] text-muted">
                      {providerLabel(model.provider)} · <span className="font-mono">{model.id}</span> ·{" "}
                      {formatContext(model.context)} context
                    </div>
                  </td>
                  <td className={tdClass}>
                    <Switch
                      checked={model.enabled}
                      label={`${model.name} enabled`}
                      disabled={!model.editable}
                      onChange={(enabled) => void toggle(model, enabled)}
                    />
                  </td>
                  {PRICE_COLUMNS.map((column) => (
                    <td key={column.field} className={`${tdClass} text-right`}>
                      <NumberCell
                        value={model.pricing[column.field]}
                        label={`${model.name} ${column.label.toLowerCase()} price per million tokens`}
                        step="0.001"
                        disabled={!model.editable}
                        onSave={(value) =>
                          save(
                            model,
                            { pricing: { [column.field]: value } },
                            `${model.name}: ${column.label.toLowerCase()} price saved.`,
                          )
                        }
                      />
                    </td>
                  ))}
                  <td className={`${tdClass} text-right`}>
                    <NumberCell
                      value={model.maxOutput}
                      label={`${model.name} maximum output tokens`}
                      step="1"
                      integer
                      disabled={!model.editable}
                      onSave={(value) =>
                        save(model, { maxOutput: value }, `${model.name}: output cap saved.`)
                      }
                    />
                  </td>
                  <td className={`${tdClass} text-center`}>
                    <button
                      type="button"
                      aria-pressed={model.isDefault}
                      aria-label={`Make ${model.name} the default model`}
                      disabled={!model.enabled && !model.isDefault}
                      onClick={() => void makeDefault(model)}
                      className={`grid size-8 place-items-center rounded-lg transition-colors hover:bg-hover disabled:cursor-not-allowed disabled:opacity-40 ${
                        model.isDefault ? "text-accent" : "text-muted"
                      }`}
                    >
                      <Star size={16} fill={model.isDefault ? "currentColor" : "none"} aria-hidden />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Panel>
  );
}
