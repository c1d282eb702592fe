/**
 * One person's personal access tokens, for the admin: each with its prefix, when it was made, last
 * used and expires, revoked ones greyed out. Revoking asks once more (a second press) and is
 * audited by the server.
 */
import { useEffect, useState } from "react";
import { Trash2 } from "lucide-react";
import type { AdminUser } from "#protocol/admin";
import type { AdminToken } from "#protocol/tokens";
import { describeError } from "../../api/client.ts";
import { listUserTokens, revokeAnyToken } from "../../api/admin.ts";
import { toast } from "../../toasts.ts";
import { Badge, TableNote, formatDay, formatWhen, smallButtonClass, useLoaded } from "./ui.tsx";

export function UserTokens({ user }: { user: AdminUser }) {
  const tokens = useLoaded(() => listUserTokens(user.id), user.id, "their tokens");

  const revoke = async (token: AdminToken) => {
    try {
      await revokeAnyToken(token.id);
      const revokedAt = Date.now();
      tokens.setData((list) => list?.map((t) => (t.id === token.id ? { ...t, revokedAt } : t)) ?? null);
      toast.info(`Revoked “${token.name}”.`);
    } catch (error) {
      toast.error(describeError(error, `Could not revoke “${token.name}”.`));
    }
  };

  if (!tokens.data || tokens.data.length === 0) {
    return (
      <TableNote
        loading={tokens.loading}
        error={tokens.error}
        empty="No API tokens."
        onRetry={tokens.reload}
      />
    );
  }
  return (
    <ul className="max-h-[50vh] divide-y divide-line overflow-y-auto" aria-label="Their API tokens">
      {tokens.data.map((token) => (
        <li
          key={token.id}
          data-token-id={token.id}
          className={`flex items-center gap-3 py-2.5 ${token.revokedAt !== null ? "opacity-60" : ""}`}
        >
          <div className="min-w-0 flex-1">
            <p className="flex flex-wrap items-center gap-1.5 text-sm">
              <span className="truncate font-medium">{token.name}</span>
              <span className="font-mono text-[12px] text-muted">{token.prefix}…</span>
              {token.revokedAt !== null ? (
                <Badge tone="danger">Revoked</Badge>
              ) : token.expiresAt !== null && token.expiresAt <= Date.now() ? (
                <Badge tone="warn">Expired</Badge>
              ) : null}
              {!token.keepHistory && <Badge>No history</Badge>}
            </p>
            <p className="text-[12.5px] text-muted">
              Created {formatDay(token.createdAt)} ·{" "}
              {token.lastUsedAt === null ? "never used" : `last used ${formatWhen(token.lastUsedAt)}`} ·{" "}
              {token.expiresAt === null ? "no expiry" : `expires ${formatDay(token.expiresAt)}`}
            </p>
          </div>
          {token.revokedAt === null && <RevokeButton name={token.name} onRevoke={() => void revoke(token)} />}
        </li>
      ))}
    </ul>
  );
}

/** Revoke, then "Revoke?" for four seconds: the second press does it. */
function RevokeButton({ name, onRevoke }: { name: string; onRevoke: () => void }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 4_000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button
      type="button"
      className={`${smallButtonClass} text-danger ${armed ? "bg-danger/10" : ""}`}
      aria-label={armed ? `Confirm: revoke ${name}` : `Revoke ${name}`}
      onClick={() => {
        if (!armed) return setArmed(true);
        setArmed(false);
        onRevoke();
      }}
    >
      <Trash2 size={14} aria-hidden />
      {armed ? "Revoke?" : "Revoke"}
    </button>
  );
}
