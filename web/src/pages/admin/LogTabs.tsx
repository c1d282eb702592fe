/**
 * The three logs an operator reads: what moderation caught (prompts it refused, answers it flagged
 * or stopped, with the output policy above them), answers that failed upstream (provider, model,
 * error code and message — never anyone's text), and the admin audit log.
 */
import type { ReactNode } from "react";
import type { AuditEntry, ModerationEntry } from "#protocol/admin";
import { listAudit, listModeration, listUpstreamErrors, type Page } from "../../api/admin.ts";
import { providerLabel } from "../../model-groups.ts";
import { OutputModerationPanel } from "./OutputModerationForm.tsx";
import {
  Badge,
  LoadMore,
  Panel,
  TableNote,
  formatWhen,
  shortId,
  tableClass,
  tdClass,
  thClass,
  usePaged,
} from "./ui.tsx";
import { cardClass } from "../../ui/card.ts";

interface Column<T> {
  label: string;
  className?: string;
  cell: (row: T) => ReactNode;
}

function LogTable<T extends { id: string }>({
  name,
  load,
  columns,
  empty,
}: {
  name: string;
  load: (cursor: string | null) => Promise<Page<T>>;
  columns: Array<Column<T>>;
  empty: string;
}) {
  const log = usePaged(load, name, `the ${name.toLowerCase()}`);
  return (
    <div className={`${cardClass} overflow-x-auto`}>
      {log.items.length === 0 ? (
        <TableNote loading={log.loading} error={log.error} empty={empty} onRetry={log.reload} />
      ) : (
        <table className={tableClass} aria-label={name}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.label} className={thClass}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {log.items.map((row) => (
              <tr key={row.id}>
                {columns.map((column) => (
                  <td key={column.label} className={tdClass}>
                    {/* A block inside the cell, so that a width cap truncates instead of stretching the table. */}
                    <div className={column.className}>{column.cell(row)}</div>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasMore={log.hasMore} busy={log.busy} onMore={() => void log.more()} />
    </div>
  );
}

const when = {
  label: "When",
  className: "whitespace-nowrap text-muted",
  cell: (row: { createdAt: number }) => formatWhen(row.createdAt),
};

const CAUGHT: Record<ModerationEntry["action"], { label: string; tone: "muted" | "warn" | "danger" }> = {
  refused: { label: "Prompt refused", tone: "muted" },
  flagged: { label: "Answer flagged", tone: "warn" },
  stopped: { label: "Answer stopped", tone: "danger" },
};

export function ModerationTab() {
  return (
    <>
      <Panel
        title="Answers"
        description="Answers can go through the same checks as prompts while they stream, a passage at a time, without slowing them down."
      >
        <OutputModerationPanel />
      </Panel>
      <Panel
        title="Moderation"
        description="Prompts a moderation check refused before they reached a provider, and answers it flagged, with their first words so you can judge the call."
      >
        <LogTable
          name="Moderation log"
          load={listModeration}
          empty="Moderation has caught nothing yet."
          columns={[
            when,
            {
              label: "Person",
              className: "max-w-48 truncate",
              cell: (row) => row.email ?? <span className="text-muted">Guest {shortId(row.userId)}</span>,
            },
            {
              label: "Caught",
              cell: (row) => (
                <span title={row.messageId ? `Answer ${row.messageId}` : undefined}>
                  <Badge tone={CAUGHT[row.action].tone}>{CAUGHT[row.action].label}</Badge>
                </span>
              ),
            },
            {
              label: "Check",
              cell: (row) => (
                <span className="flex flex-wrap gap-1">
                  <Badge>{row.check.replace(/_/g, " ")}</Badge>
                  {row.category !== row.check && <Badge tone="warn">{row.category}</Badge>}
                </span>
              ),
            },
            { label: "Text began", className: "max-w-md truncate text-muted", cell: (row) => row.excerpt },
          ]}
        />
      </Panel>
    </>
  );
}

export function ErrorsTab() {
  return (
    <Panel
      title="Upstream errors"
      description="Answers that failed at the provider, newest first. Only the error is shown, never what was asked."
    >
      <LogTable
        name="Upstream errors"
        load={listUpstreamErrors}
        empty="No answer has failed upstream."
        columns={[
          when,
          { label: "Provider", cell: (row) => (row.provider ? providerLabel(row.provider) : "—") },
          { label: "Model", className: "font-mono text-[12.5px]", cell: (row) => row.model ?? "—" },
          { label: "Code", cell: (row) => <Badge tone="danger">{row.code ?? "unknown"}</Badge> },
          { label: "Message", className: "max-w-md text-muted", cell: (row) => row.message ?? "" },
        ]}
      />
    </Panel>
  );
}

const ACTION_LABELS: Record<string, string> = {
  "model.update": "Changed a model",
  "settings.default_model": "Set the default model",
  "settings.limits": "Changed global limits",
  "settings.output_moderation": "Changed output moderation",
  "user.limits": "Set a person's limits",
  "user.ban": "Banned",
  "user.unban": "Lifted a ban",
  "token.revoke": "Revoked an API token",
  "plan.update": "Changed a plan",
  "user.plan": "Granted or took back a plan",
};

/** The change itself, in a compact form: what a model patch set, or what the setting became. */
function describeDetail(entry: AuditEntry): string {
  const detail = entry.detail;
  if (detail === null || typeof detail !== "object") return "";
  const record: Record<string, unknown> = { ...detail };
  if ("changes" in record || "after" in record) {
    const shown = record.changes ?? record.after;
    // Unset fields (null) are noise here: only what was actually set is shown.
    return shown === null
      ? "none"
      : JSON.stringify(shown, (_key, value: unknown) => (value === null ? undefined : value));
  }
  return "";
}

/** Who or what a change was made to: a person's email when known, else the id (shortened). */
function describeTarget(entry: AuditEntry): string {
  const detail = entry.detail;
  if (
    detail !== null &&
    typeof detail === "object" &&
    "email" in detail &&
    typeof detail.email === "string"
  ) {
    return detail.email;
  }
  return entry.target.length > 24 ? shortId(entry.target) : entry.target;
}

export function AuditTab() {
  return (
    <Panel title="Audit log" description="Every change made through the admin API, by whom and to what.">
      <LogTable
        name="Audit log"
        load={listAudit}
        empty="No admin change yet."
        columns={[
          when,
          {
            label: "Who",
            cell: (row) =>
              row.actor === "token" ? (
                <Badge>Admin token</Badge>
              ) : (
                (row.actorEmail ?? <span className="font-mono text-[12px]">{shortId(row.actor)}</span>)
              ),
          },
          {
            label: "Action",
            className: "whitespace-nowrap",
            cell: (row) => ACTION_LABELS[row.action] ?? row.action,
          },
          {
            label: "Target",
            className: "max-w-56 truncate whitespace-nowrap",
            cell: (row) => <span title={row.target}>{describeTarget(row)}</span>,
          },
          {
            label: "Change",
            className: "max-w-sm truncate font-mono text-[12px] text-muted",
            cell: (row) => <span title={describeDetail(row)}>{describeDetail(row)}</span>,
          },
        ]}
      />
    </Panel>
  );
}
