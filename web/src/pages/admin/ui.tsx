/** Small pieces every admin tab uses: loading state, tables, badges, a switch, "load more". */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { LoaderCircle } from "lucide-react";
import { describeError } from "../../api/client.ts";
import type { Page } from "../../api/admin.ts";
import { toast } from "../../toasts.ts";

export const tableClass = "w-full border-collapse text-left text-sm";
export const thClass = "px-3 py-2.5 text-[12.5px] font-medium whitespace-nowrap text-muted";
export const tdClass = "border-t border-line px-3 py-2.5 align-middle";
export const smallButtonClass =
  "inline-flex h-8 shrink-0 items-center justify-center gap-1.5 rounded-lg border border-line bg-surface px-2.5 text-[13px] font-medium transition-colors hover:border-line-strong hover:bg-hover disabled:cursor-not-allowed disabled:opacity-60";
export const numberInputClass =
  "h-8 w-24 rounded-lg border border-line bg-surface px-2 text-right text-[13px] tabular-nums transition-colors hover:border-line-strong focus:border-ring focus:outline-none focus-visible:ring-2 focus-visible:ring-ring/25 disabled:cursor-not-allowed disabled:opacity-60 aria-[invalid=true]:border-danger";

const dateTime = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric" });

export const formatWhen = (ms: number) => dateTime.format(ms);
export const formatDay = (ms: number) => dateOnly.format(ms);

/** A short, copyable form of an id: its first eight characters. */
export const shortId = (id: string) => id.slice(0, 8);

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Replaces the data locally (after a change the server confirmed). */
  setData: (update: (current: T | null) => T | null) => void;
}

/** Runs `load` when `key` changes (and on reload); an answer for an older key is dropped. */
export function useLoaded<T>(load: () => Promise<T>, key: string, what: string): Loaded<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let current = true;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (!current) return;
        setDataState(value);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (!current) return;
        setError(describeError(reason, `Could not load ${what}.`));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [key, version, what]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload, setData: setDataState };
}

/** A list read page by page with a cursor; `more` appends the next page. */
export function usePaged<T>(load: (cursor: string | null) => Promise<Page<T>>, key: string, what: string) {
  const first = useLoaded(() => load(null), key, what);
  const [extra, setExtra] = useState<{ key: string; items: T[]; cursor: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const pages = extra?.key === key ? extra : null;
  const items = [...(first.data?.items ?? []), ...(pages?.items ?? [])];
  const cursor = pages ? pages.cursor : (first.data?.nextCursor ?? null);

  const more = useCallback(async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = await load(cursor);
      setExtra((previous) => ({
        key,
        items: [...(previous?.key === key ? previous.items : []), ...page.items],
        cursor: page.nextCursor,
      }));
    } catch (reason) {
      toast.error(describeError(reason, `Could not load more ${what}.`));
    } finally {
      setBusy(false);
    }
  }, [cursor, key, load, what]);

  const replace = useCallback(
    (match: (item: T) => boolean, next: T) => {
      first.setData((current) =>
        current ? { ...current, items: current.items.map((item) => (match(item) ? next : item)) } : current,
      );
      setExtra((previous) =>
        previous
          ? { ...previous, items: previous.items.map((item) => (match(item) ? next : item)) }
          : previous,
      );
    },
    [first],
  );

  return {
    items,
    loading: first.loading,
    error: first.error,
    reload: first.reload,
    hasMore: cursor !== null,
    busy,
    more,
    replace,
  };
}

export function LoadMore({ hasMore, busy, onMore }: { hasMore: boolean; busy: boolean; onMore: () => void }) {
  if (!hasMore) return null;
  return (
    <div className="flex justify-center border-t border-line p-2">
      <button type="button" className={smallButtonClass} disabled={busy} onClick={onMore}>
        {busy && <LoaderCircle size={14} className="animate-spin" aria-hidden />}
        Load more
      </button>
    </div>
  );
}

/** The state of a list that has no rows to show: loading, failed, or simply empty. */
export function TableNote({
  loading,
  error,
  empty,
  onRetry,
}: {
  loading: boolean;
  error: string | null;
  empty: string;
  onRetry: () => void;
}) {
  if (error) {
    return (
      <div role="alert" className="flex items-center justify-between gap-3 p-4 text-sm text-danger">
        {error}
        <button type="button" className={smallButtonClass} onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (loading) {
    return (
      <div className="space-y-2 p-4" aria-hidden>
        {[0, 1, 2].map((row) => (
          <div key={row} className="h-5 rounded-md bg-subtle motion-safe:animate-skeleton" />
        ))}
      </div>
    );
  }
  return <p className="p-4 text-sm text-muted">{empty}</p>;
}

export function Badge({
  tone = "muted",
  children,
}: {
  tone?: "muted" | "accent" | "danger" | "warn";
  children: ReactNode;
}) {
  const tones = {
    muted: "bg-subtle text-muted",
    accent: "bg-accent-soft text-accent",
    danger: "bg-danger/10 text-danger",
    warn: "bg-warn/10 text-warn",
  };
  return (
    <span
      className={`inline-flex h-5 items-center rounded-md px-1.5 text-[11.5px] font-medium whitespace-nowrap ${tones[tone]}`}
    >
      {children}
    </span>
  );
}

/** An on/off switch with an accessible name. */
export function Switch({
  checked,
  label,
  disabled,
  onChange,
}: {
  checked: boolean;
  label: string;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors focus-visible:ring-2 focus-visible:ring-ring/40 focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-50 ${
        checked ? "bg-accent" : "bg-line-strong"
      }`}
    >
      <span
        className={`inline-block size-4 rounded-full bg-surface shadow-xs transition-transform motion-reduce:transition-none ${
          checked ? "translate-x-[18px]" : "translate-x-0.5"
        }`}
      />
    </button>
  );
}

/** A titled block inside a tab. */
export function Panel({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="mt-6 first:mt-0">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 className="text-[15px] font-semibold">{title}</h2>
          {description && <p className="mt-0.5 text-sm text-muted">{description}</p>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
