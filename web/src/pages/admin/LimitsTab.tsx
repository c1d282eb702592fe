/**
 * Limits: the global defaults per tier (guests, accounts) over the deploy's environment, and one
 * person's own overrides. An empty field means "not overridden": the value beneath applies. The
 * worker reads these on every chat request, so a saved change applies to the next message.
 */
import { useId, useState, type FormEvent } from "react";
import { LoaderCircle, Search } from "lucide-react";
import { describeError } from "../../api.ts";
import {
  LIMIT_FIELDS,
  type AdminUser,
  type LimitField,
  type LimitOverrides,
  type Limits,
} from "#protocol/admin";
import { getLimits, listUsers, putLimits, putUserLimits } from "../../admin-api.ts";
import { inputClass, primaryButtonClass } from "../../components/FormField.tsx";
import { formatInteger } from "../../format.ts";
import { toast } from "../../toasts.ts";
import { Badge, Panel, TableNote, cardClass, shortId, useLoaded } from "./ui.tsx";

const smallPrimary = primaryButtonClass.replace("h-10", "h-9").replace("px-4", "px-3.5");

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

const toDrafts = (overrides: LimitOverrides): Drafts => ({
  rateLimit: overrides.rateLimit?.toString() ?? "",
  rateWindowSeconds: overrides.rateWindowSeconds?.toString() ?? "",
  monthlyTokens: overrides.monthlyTokens?.toString() ?? "",
  monthlyCostUsd: overrides.monthlyCostUsd?.toString() ?? "",
});

/** Drafts as overrides (empty: null), or the first field that is not a valid value. */
function fromDrafts(
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
function LimitFields({
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

function TierForm({
  tier,
  title,
  overrides,
  defaults,
  onSave,
}: {
  tier: "guest" | "user";
  title: string;
  overrides: LimitOverrides;
  defaults: Limits;
  onSave: (tier: "guest" | "user", overrides: LimitOverrides) => Promise<boolean>;
}) {
  const [drafts, setDrafts] = useState(() => toDrafts(overrides));
  const [invalid, setInvalid] = useState<LimitField | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = fromDrafts(drafts);
    if ("invalid" in result) {
      setInvalid(result.invalid);
      return;
    }
    setBusy(true);
    if (await onSave(tier, result.overrides)) setInvalid(null);
    setBusy(false);
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      className={`${cardClass} p-4`}
      aria-label={title}
      noValidate
    >
      <h3 className="mb-3 text-sm font-semibold">{title}</h3>
      <LimitFields
        idPrefix={`${uid}-${tier}`}
        drafts={drafts}
        beneath={defaults}
        invalid={invalid}
        onChange={(field, value) => {
          setDrafts((current) => ({ ...current, [field]: value }));
          if (invalid === field) setInvalid(null);
        }}
      />
      <div className="mt-4 flex justify-end">
        <button type="submit" className={smallPrimary} disabled={busy}>
          {busy && <LoaderCircle size={15} className="animate-spin" aria-hidden />}
          Save {tier === "guest" ? "guest" : "account"} limits
        </button>
      </div>
    </form>
  );
}

/** One person's overrides; used here and from the Users tab. */
export function UserLimitsForm({
  user,
  tier,
  onSaved,
}: {
  user: AdminUser;
  /** What applies to their tier without an override (placeholders). */
  tier: Limits | null;
  onSaved: (user: AdminUser) => void;
}) {
  const [drafts, setDrafts] = useState(() => toDrafts(user.limits));
  const [invalid, setInvalid] = useState<LimitField | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = fromDrafts(drafts);
    if ("invalid" in result) {
      setInvalid(result.invalid);
      return;
    }
    setBusy(true);
    try {
      const saved = await putUserLimits(user.id, result.overrides);
      toast.info(`Limits saved for ${user.email ?? `guest ${shortId(user.id)}`}.`);
      onSaved(saved);
    } catch (error) {
      toast.error(describeError(error, "Could not save these limits."));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      aria-label={`Limits for ${user.email ?? user.id}`}
      noValidate
    >
      <LimitFields
        idPrefix={uid}
        drafts={drafts}
        beneath={tier}
        invalid={invalid}
        onChange={(field, value) => {
          setDrafts((current) => ({ ...current, [field]: value }));
          if (invalid === field) setInvalid(null);
        }}
      />
      <div className="mt-4 flex flex-wrap items-center justify-end gap-2">
        <button
          type="button"
          className="h-9 rounded-xl px-3 text-sm font-medium text-muted hover:bg-hover hover:text-ink"
          onClick={() => setDrafts(toDrafts({}))}
        >
          Clear all
        </button>
        <button type="submit" className={smallPrimary} disabled={busy}>
          {busy && <LoaderCircle size={15} className="animate-spin" aria-hidden />}
          Save limits
        </button>
      </div>
    </form>
  );
}

function PersonPicker({ onPick }: { onPick: (user: AdminUser) => void }) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<AdminUser[] | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (query.trim() === "") return;
    setBusy(true);
    try {
      setResults((await listUsers({ q: query.trim() })).items.slice(0, 6));
    } catch (error) {
      toast.error(describeError(error, "Could not search."));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <form role="search" onSubmit={(event) => void search(event)} className="flex gap-2">
        <label htmlFor="limits-person" className="sr-only">
          Email or id
        </label>
        <input
          id="limits-person"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Email or id"
          className={`${inputClass} h-9`}
        />
        <button type="submit" className={smallPrimary} disabled={busy}>
          <Search size={15} aria-hidden />
          Find
        </button>
      </form>
      {results && (
        <ul className="mt-2 space-y-1" aria-label="Matching people">
          {results.length === 0 && <li className="text-sm text-muted">Nobody matches.</li>}
          {results.map((user) => (
            <li key={user.id}>
              <button
                type="button"
                onClick={() => {
                  onPick(user);
                  setResults(null);
                }}
                className="flex w-full items-center gap-2 rounded-lg px-2 py-1.5 text-left text-sm hover:bg-hover"
              >
                <span className="truncate">{user.email ?? `Guest ${shortId(user.id)}`}</span>
                {user.kind === "guest" && <Badge>Guest</Badge>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function LimitsTab() {
  const loaded = useLoaded(getLimits, "limits", "the limits");
  const [person, setPerson] = useState<AdminUser | null>(null);
  const view = loaded.data;

  const saveTier = async (tier: "guest" | "user", overrides: LimitOverrides): Promise<boolean> => {
    if (!view) return false;
    try {
      const next = await putLimits({ ...view.overrides, [tier]: overrides });
      loaded.setData(() => next);
      toast.info(`${tier === "guest" ? "Guest" : "Account"} limits saved. They apply from the next message.`);
      return true;
    } catch (error) {
      toast.error(describeError(error, "Could not save the limits."));
      return false;
    }
  };

  return (
    <>
      <Panel
        title="Global limits"
        description="Override the deploy's defaults for everyone in a tier. Empty fields keep the default shown beneath."
      >
        {view ? (
          <div className="grid gap-4 lg:grid-cols-2">
            <TierForm
              tier="guest"
              title="Guests (per network address)"
              overrides={view.overrides.guest}
              defaults={view.defaults.guest}
              onSave={saveTier}
            />
            <TierForm
              tier="user"
              title="Accounts"
              overrides={view.overrides.user}
              defaults={view.defaults.user}
              onSave={saveTier}
            />
          </div>
        ) : (
          <div className={cardClass}>
            <TableNote loading={loaded.loading} error={loaded.error} empty="" onRetry={loaded.reload} />
          </div>
        )}
      </Panel>
      <Panel
        title="One person's limits"
        description="A personal override wins over the global limits, higher or lower. Empty fields follow their tier."
      >
        <div className={`${cardClass} p-4`}>
          <PersonPicker onPick={setPerson} />
          {person && (
            <div className="mt-4 border-t border-line pt-4">
              <p className="mb-3 text-sm">
                <span className="font-medium">{person.email ?? `Guest ${shortId(person.id)}`}</span>{" "}
                <span className="text-muted">· {person.kind === "guest" ? "guest" : "account"}</span>
              </p>
              <UserLimitsForm
                key={person.id}
                user={person}
                tier={view ? view.effective[person.kind] : null}
                onSaved={setPerson}
              />
            </div>
          )}
        </div>
      </Panel>
    </>
  );
}
