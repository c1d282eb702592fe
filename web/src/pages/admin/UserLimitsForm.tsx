/**
 * The form for one person's own limits, which win over their tier's, higher or lower; an empty
 * field follows the tier, whose value shows as its placeholder.
 */
import { useId, useState, type FormEvent } from "react";
import { LoaderCircle } from "lucide-react";
import type { AdminUser, LimitField, Limits } from "#protocol/admin";
import { describeError } from "../../api/client.ts";
import { putUserLimits } from "../../api/admin.ts";
import { smallPrimary } from "../../ui/form.tsx";
import { toast } from "../../toasts.ts";
import { LimitFields, fromDrafts, toDrafts } from "./LimitFields.tsx";
import { shortId } from "./ui.tsx";

/** One person's overrides; used from the Limits tab and from the Users tab. */
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
