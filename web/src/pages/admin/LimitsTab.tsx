/**
 * Limits: the global defaults per tier (guests, accounts) over the deploy's environment, and one
 * person's own overrides. An empty field means "not overridden": the value beneath applies. The
 * worker reads these on every chat request, so a saved change applies to the next message.
 */
import { useId, useState, type FormEvent } from "react";
import { LoaderCircle, Search } from "lucide-react";
import { describeError } from "../../api/client.ts";
import type { AdminUser, LimitField, LimitOverrides, Limits } from "#protocol/admin";
import { getLimits, listUsers, putLimits } from "../../api/admin.ts";
import { inputClass, smallPrimary } from "../../ui/form.tsx";
import { toast } from "../../toasts.ts";
import { LimitFields, fromDrafts, toDrafts } from "./LimitFields.tsx";
import { UserLimitsForm } from "./UserLimitsForm.tsx";
import { Badge, Panel, TableNote, shortId, useLoaded } from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

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
