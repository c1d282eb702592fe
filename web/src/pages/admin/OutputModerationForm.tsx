/**
 * How answers are moderated while they stream: off, flag (recorded here) or stop (the answer ends
 * with a content-filter finish), for every model or one model at a time, and whether a stopped
 * answer keeps its text. Rooms read the policy as each answer starts.
 */
import { useState, type FormEvent } from "react";
import { LoaderCircle, X } from "lucide-react";
import { describeError } from "../../api/client.ts";
import {
  OUTPUT_MODERATION_MODES,
  type AdminModel,
  type OutputModerationMode,
  type OutputModerationPolicy,
  type OutputModerationView,
} from "#protocol/admin";
import { getOutputModeration, listAdminModels, putOutputModeration } from "../../api/admin.ts";
import { inputClass, smallPrimary } from "../../ui/form.tsx";
import { toast } from "../../toasts.ts";
import { TableNote, numberInputClass, smallButtonClass, useLoaded } from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

const MODE_LABELS: Record<OutputModerationMode, { label: string; hint: string }> = {
  off: { label: "Off", hint: "Answers are not checked." },
  flag: { label: "Flag", hint: "Flagged answers are listed below; they finish as usual." },
  stop: { label: "Stop", hint: "A flagged answer ends there, for everyone, marked as filtered." },
};

const CHECK_LABELS: Record<string, string> = {
  blocklist: "the blocklist (MODERATION_BLOCKLIST)",
  openai_moderation: "OpenAI's moderation endpoint (MODERATION_OPENAI)",
};

const selectClass = inputClass.replace("h-10", "h-8").replace("w-full", "w-28");

function ModeChoice({
  value,
  onChange,
}: {
  value: OutputModerationMode;
  onChange: (mode: OutputModerationMode) => void;
}) {
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium">Every model</legend>
      <div className="grid gap-2 sm:grid-cols-3">
        {OUTPUT_MODERATION_MODES.map((mode) => (
          <label
            key={mode}
            className={`flex cursor-pointer flex-col gap-0.5 rounded-lg border px-3 py-2 text-sm transition-colors ${
              value === mode ? "border-accent bg-accent-soft" : "border-line hover:border-line-strong"
            }`}
          >
            <span className="flex items-center gap-2 font-medium">
              <input
                type="radio"
                name="output-mode"
                value={mode}
                checked={value === mode}
                onChange={() => onChange(mode)}
                className="accent-accent"
              />
              {MODE_LABELS[mode].label}
            </span>
            <span className="text-[12.5px] text-muted">{MODE_LABELS[mode].hint}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ModelModes({
  models,
  overrides,
  onChange,
}: {
  models: AdminModel[];
  overrides: Record<string, OutputModerationMode>;
  onChange: (next: Record<string, OutputModerationMode>) => void;
}) {
  const nameOf = (id: string) => models.find((model) => model.id === id)?.name ?? id;
  const addable = models.filter((model) => !(model.id in overrides));
  return (
    <div className="max-w-xl">
      <h4 className="mb-2 text-sm font-medium">Models with their own mode</h4>
      {Object.keys(overrides).length === 0 && (
        <p className="mb-2 text-[13px] text-muted">None: every model follows the choice above.</p>
      )}
      <ul className="space-y-1.5" aria-label="Models with their own mode">
        {Object.entries(overrides).map(([id, mode]) => (
          <li key={id} className="flex items-center gap-2 text-sm">
            <span className="min-w-0 flex-1 truncate" title={id}>
              {nameOf(id)}
            </span>
            <select
              aria-label={`Mode for ${nameOf(id)}`}
              value={mode}
              onChange={(event) =>
                onChange({ ...overrides, [id]: event.target.value as OutputModerationMode })
              }
              className={selectClass}
            >
              {OUTPUT_MODERATION_MODES.map((option) => (
                <option key={option} value={option}>
                  {MODE_LABELS[option].label}
                </option>
              ))}
            </select>
            <button
              type="button"
              aria-label={`Remove ${nameOf(id)}`}
              className={smallButtonClass}
              onClick={() =>
                onChange(Object.fromEntries(Object.entries(overrides).filter(([key]) => key !== id)))
              }
            >
              <X size={14} aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      {addable.length > 0 && (
        <select
          aria-label="Give a model its own mode"
          value=""
          onChange={(event) => {
            if (event.target.value) onChange({ ...overrides, [event.target.value]: "stop" });
          }}
          className={`${inputClass.replace("h-10", "h-8")} mt-2`}
        >
          <option value="">Give a model its own mode…</option>
          {addable.map((model) => (
            <option key={model.id} value={model.id}>
              {model.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

function PolicyForm({
  view,
  models,
  onSaved,
}: {
  view: OutputModerationView;
  models: AdminModel[];
  onSaved: (next: OutputModerationView) => void;
}) {
  const [policy, setPolicy] = useState<OutputModerationPolicy>(view.policy);
  const [windowDraft, setWindowDraft] = useState(String(view.policy.windowChars));
  const [busy, setBusy] = useState(false);
  const windowChars = Number(windowDraft);
  const windowValid = Number.isInteger(windowChars) && windowChars >= 100 && windowChars <= 10_000;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!windowValid) return;
    setBusy(true);
    try {
      onSaved(await putOutputModeration({ ...policy, windowChars }));
      toast.info("Output moderation saved. It applies from the next answer.");
    } catch (error) {
      toast.error(describeError(error, "Could not save output moderation."));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      className={`${cardClass} space-y-5 p-4`}
      aria-label="Output moderation"
      noValidate
    >
      {view.checks.length > 0 ? (
        <p className="text-[13px] text-muted">
          Answers go through {view.checks.map((check) => CHECK_LABELS[check] ?? check).join(" and ")}.
        </p>
      ) : (
        <p role="note" className="rounded-lg border border-warn/30 bg-warn/5 px-3 py-2 text-[13px] text-warn">
          No check is configured (MODERATION_BLOCKLIST or MODERATION_OPENAI): nothing would be caught.
        </p>
      )}
      <ModeChoice value={policy.mode} onChange={(mode) => setPolicy({ ...policy, mode })} />
      <ModelModes
        models={models}
        overrides={policy.models}
        onChange={(next) => setPolicy({ ...policy, models: next })}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <fieldset>
          <legend className="mb-2 text-sm font-medium">A stopped answer</legend>
          {(["keep", "withhold"] as const).map((choice) => (
            <label key={choice} className="flex items-center gap-2 py-0.5 text-sm">
              <input
                type="radio"
                name="on-stop"
                value={choice}
                checked={policy.onStop === choice}
                onChange={() => setPolicy({ ...policy, onStop: choice })}
                className="accent-accent"
              />
              {choice === "keep"
                ? "Keeps its text up to the flagged passage"
                : "Is replaced by a short notice (text withheld)"}
            </label>
          ))}
        </fieldset>
        <div>
          <label htmlFor="output-window" className="mb-2 block text-sm font-medium">
            Check every
          </label>
          <div className="flex items-center gap-2 text-sm text-muted">
            <input
              id="output-window"
              type="number"
              inputMode="numeric"
              min={100}
              max={10_000}
              value={windowDraft}
              aria-invalid={!windowValid}
              onChange={(event) => setWindowDraft(event.target.value)}
              className={numberInputClass}
            />
            characters, at a sentence end
          </div>
          {!windowValid && <p className="mt-1 text-[12.5px] text-danger">Between 100 and 10,000.</p>}
        </div>
      </div>
      <div className="flex justify-end">
        <button type="submit" className={smallPrimary} disabled={busy || !windowValid}>
          {busy && <LoaderCircle size={15} className="animate-spin" aria-hidden />}
          Save output moderation
        </button>
      </div>
    </form>
  );
}

async function loadAll(): Promise<{ view: OutputModerationView; models: AdminModel[] }> {
  const [view, catalogue] = await Promise.all([getOutputModeration(), listAdminModels()]);
  return { view, models: catalogue.models };
}

export function OutputModerationPanel() {
  const loaded = useLoaded(loadAll, "output-moderation", "output moderation");
  if (!loaded.data) {
    return (
      <div className={cardClass}>
        <TableNote loading={loaded.loading} error={loaded.error} empty="" onRetry={loaded.reload} />
      </div>
    );
  }
  const { models } = loaded.data;
  return (
    <PolicyForm
      view={loaded.data.view}
      models={models}
      onSaved={(view) => loaded.setData(() => ({ view, models }))}
    />
  );
}
