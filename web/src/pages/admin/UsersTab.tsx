/**
 * People: search accounts and guests by email or id, see what each used this month, ban or unban
 * them, set their own limits, and grant an account a plan by hand. A ban applies to their very
 * next request, on every device.
 */
import { useEffect, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { Ban, Gauge, Gift, RotateCcw, Search, SquareTerminal } from "lucide-react";
import { describeError } from "../../api/client.ts";
import type { AdminUser } from "#protocol/admin";
import { getBillingOverview, getLimits, listUsers, setBanned } from "../../api/admin.ts";
import { inputClass } from "../../ui/form.tsx";
import { formatCost, formatInteger } from "../../format.ts";
import { toast } from "../../toasts.ts";
import { Modal } from "./Modal.tsx";
import { PlanGrant } from "./PlanGrant.tsx";
import { UserLimitsForm } from "./UserLimitsForm.tsx";
import { UserTokens } from "./UserTokens.tsx";
import {
  Badge,
  LoadMore,
  Panel,
  TableNote,
  formatDay,
  formatWhen,
  shortId,
  smallButtonClass,
  tableClass,
  tdClass,
  thClass,
  useLoaded,
  usePaged,
} from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

type KindFilter = "user" | "guest" | "all";
const KIND_FILTERS: Array<{ value: KindFilter; label: string }> = [
  { value: "user", label: "Accounts" },
  { value: "guest", label: "Guests" },
  { value: "all", label: "Everyone" },
];

const personLabel = (user: AdminUser) => user.email ?? `Guest ${shortId(user.id)}`;
const hasOverrides = (user: AdminUser) => Object.values(user.limits).some((value) => value !== null);

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function UsersTab() {
  const [query, setQuery] = useState("");
  const [kind, setKind] = useState<KindFilter>("user");
  const q = useDebounced(query.trim(), 250);
  const key = `${kind}:${q}`;
  const people = usePaged(
    (cursor) => listUsers({ q, ...(kind === "all" ? {} : { kind }), cursor }),
    key,
    "people",
  );
  const limits = useLoaded(getLimits, "limits", "the limits");
  const [toBan, setToBan] = useState<AdminUser | null>(null);
  const [limitsFor, setLimitsFor] = useState<AdminUser | null>(null);
  const [tokensOf, setTokensOf] = useState<AdminUser | null>(null);
  const [planOf, setPlanOf] = useState<AdminUser | null>(null);
  // The plans on offer, for the Plan dialog (read once the first time it opens).
  const billing = useLoaded(
    () => (planOf ? getBillingOverview() : Promise.resolve(null)),
    planOf ? "plans" : "none",
    "the plans",
  );

  const update = (user: AdminUser) => people.replace((item) => item.id === user.id, user);

  const changeBan = async (user: AdminUser, banned: boolean) => {
    try {
      update(await setBanned(user.id, banned));
      toast.info(banned ? `${personLabel(user)} is banned.` : `${personLabel(user)} can use Parley again.`);
    } catch (error) {
      toast.error(describeError(error, banned ? "Could not ban." : "Could not lift the ban."));
    }
  };

  return (
    <Panel
      title="People"
      description="This month's usage counts the answers Parley paid for (not those made with a person's own key)."
    >
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <div className="relative min-w-56 flex-1">
          <Search
            size={15}
            className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-muted"
            aria-hidden
          />
          <label htmlFor="people-search" className="sr-only">
            Search people by email or id
          </label>
          <input
            id="people-search"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Search by email or id"
            className={`${inputClass} h-9 pl-9`}
          />
        </div>
        <div role="radiogroup" aria-label="Show" className="flex gap-1 rounded-xl bg-subtle p-1">
          {KIND_FILTERS.map((filter) => (
            <button
              key={filter.value}
              type="button"
              role="radio"
              aria-checked={kind === filter.value}
              onClick={() => setKind(filter.value)}
              className={`h-7 rounded-lg px-2.5 text-[13px] transition-colors ${
                kind === filter.value
                  ? "bg-surface font-medium text-ink shadow-xs"
                  : "text-muted hover:text-ink"
              }`}
            >
              {filter.label}
            </button>
          ))}
        </div>
      </div>

      <div className={`${cardClass} overflow-x-auto`}>
        {people.items.length === 0 ? (
          <TableNote
            loading={people.loading}
            error={people.error}
            empty={q ? "Nobody matches this search." : "Nobody here yet."}
            onRetry={people.reload}
          />
        ) : (
          <table className={tableClass} aria-label="People">
            <thead>
              <tr>
                <th className={thClass}>Person</th>
                <th className={thClass}>Joined</th>
                <th className={thClass}>Last seen</th>
                <th className={`${thClass} text-right`}>Answers</th>
                <th className={`${thClass} text-right`}>Tokens</th>
                <th className={`${thClass} text-right`}>Cost</th>
                <th className={`${thClass} text-right`}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {people.items.map((user) => (
                <tr key={user.id} data-user-id={user.id}>
                  <td className={`${tdClass} min-w-56`}>
                    <div className="flex flex-wrap items-center gap-1.5">
                      <span className="max-w-72 truncate font-medium" title={personLabel(user)}>
                        {personLabel(user)}
                      </span>
                      {user.role === "admin" && <Badge tone="accent">Admin</Badge>}
                      {user.kind === "guest" && <Badge>Guest</Badge>}
                      {user.bannedAt !== null && <Badge tone="danger">Banned</Badge>}
                      {hasOverrides(user) && <Badge tone="warn">Own limits</Badge>}
                    </div>
                    <div className="mt-0.5 font-mono text-[11.5px] text-muted">{user.id}</div>
                  </td>
                  <td className={`${tdClass} whitespace-nowrap text-muted`}>{formatDay(user.createdAt)}</td>
                  <td className={`${tdClass} whitespace-nowrap text-muted`}>{formatWhen(user.lastSeenAt)}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>
                    {formatInteger(user.usage.answers)}
                  </td>
                  <td className={`${tdClass} text-right tabular-nums`}>{formatInteger(user.usage.tokens)}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{formatCost(user.usage.costUsd)}</td>
                  <td className={`${tdClass} text-right`}>
                    <div className="flex justify-end gap-1.5">
                      {user.kind === "user" && (
                        <button
                          type="button"
                          className={smallButtonClass}
                          onClick={() => setPlanOf(user)}
                          aria-label={`Plan of ${personLabel(user)}`}
                          title="Plan"
                        >
                          <Gift size={14} aria-hidden />
                        </button>
                      )}
                      {user.kind === "user" && (
                        <button
                          type="button"
                          className={smallButtonClass}
                          onClick={() => setTokensOf(user)}
                          aria-label={`API tokens of ${personLabel(user)}`}
                          title="API tokens"
                        >
                          <SquareTerminal size={14} aria-hidden />
                        </button>
                      )}
                      {/* Icons only: with the plan button the row must still fit a laptop screen. */}
                      <button
                        type="button"
                        className={smallButtonClass}
                        onClick={() => setLimitsFor(user)}
                        aria-label={`Limits for ${personLabel(user)}`}
                        title="Limits"
                      >
                        <Gauge size={14} aria-hidden />
                      </button>
                      {user.bannedAt === null ? (
                        <button
                          type="button"
                          className={`${smallButtonClass} text-danger`}
                          onClick={() => setToBan(user)}
                          aria-label={`Ban ${personLabel(user)}`}
                        >
                          <Ban size={14} aria-hidden />
                          Ban
                        </button>
                      ) : (
                        <button
                          type="button"
                          className={smallButtonClass}
                          onClick={() => void changeBan(user, false)}
                          aria-label={`Unban ${personLabel(user)}`}
                        >
                          <RotateCcw size={14} aria-hidden />
                          Unban
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore hasMore={people.hasMore} busy={people.busy} onMore={() => void people.more()} />
      </div>

      <Modal
        open={toBan !== null}
        onOpenChange={(open) => !open && setToBan(null)}
        title={`Ban ${toBan ? personLabel(toBan) : ""}?`}
        description="They are cut off at once on every device: open chats close, an answer being written stops, and every later request is refused. Nothing is deleted, and you can lift the ban at any time."
      >
        <div className="flex justify-end gap-2">
          <Dialog.Close className="h-10 rounded-xl px-4 text-sm font-medium hover:bg-hover">
            Cancel
          </Dialog.Close>
          <button
            type="button"
            autoFocus
            onClick={() => {
              if (toBan) void changeBan(toBan, true);
              setToBan(null);
            }}
            className="h-10 rounded-xl bg-danger px-4 text-sm font-medium text-danger-ink hover:opacity-90"
          >
            Ban
          </button>
        </div>
      </Modal>

      <Modal
        open={limitsFor !== null}
        onOpenChange={(open) => !open && setLimitsFor(null)}
        title={`Limits for ${limitsFor ? personLabel(limitsFor) : ""}`}
        description="A personal value wins over the global limits. Leave a field empty to follow their tier."
      >
        {limitsFor && (
          <UserLimitsForm
            key={limitsFor.id}
            user={limitsFor}
            tier={limits.data ? limits.data.effective[limitsFor.kind] : null}
            onSaved={(user) => {
              update(user);
              setLimitsFor(null);
            }}
          />
        )}
      </Modal>

      <Modal
        open={tokensOf !== null}
        onOpenChange={(open) => !open && setTokensOf(null)}
        title={`API tokens of ${tokensOf ? personLabel(tokensOf) : ""}`}
        description="The tokens their scripts call Parley with. Revoking one refuses its next call; it is written to the audit log."
      >
        {tokensOf && <UserTokens key={tokensOf.id} user={tokensOf} />}
      </Modal>

      <Modal
        open={planOf !== null}
        onOpenChange={(open) => !open && setPlanOf(null)}
        title={`Plan of ${planOf ? personLabel(planOf) : ""}`}
        description="A granted plan is free for them and outranks any subscription until you take it back. Their open pages show it at once."
      >
        {planOf && (
          <PlanGrant
            key={planOf.id}
            user={planOf}
            plans={billing.data?.plans ?? null}
            onDone={() => setPlanOf(null)}
          />
        )}
      </Modal>
    </Panel>
  );
}
