/**
 * The owner's share dialog (a separate chunk, loaded when Share is pressed): one live link per
 * conversation, in Watch mode (read-only, answers stream live) or Collaborate mode (others may send
 * and stop too). Copy, switch mode, rotate (a new link; the old one stops working at once), stop
 * sharing, and who is in the room right now.
 */
import { useEffect, useState, type ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { Check, Copy, Eye, Link2, PenLine, RefreshCw, X } from "lucide-react";
import type { Person } from "#protocol/frames";
import type { Share, ShareMode } from "#protocol/sharing";
import { describeError } from "../api/client.ts";
import { copyText } from "../clipboard.ts";
import { deleteShare, getShare, putShare, rotateShare, shareUrl } from "../api/share.ts";
import { toast } from "../toasts.ts";
import { Avatar, devicesLabel, ROLE_LABELS } from "./Avatar.tsx";

interface ShareDialogProps {
  conversationId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Everyone in the room now (live from the room's presence frames). */
  people: readonly Person[];
  selfId: string | null;
  /** The link changed (created, new mode, rotated, or null when sharing stopped). */
  onShareChange: (share: Share | null) => void;
}

const MODES: { mode: ShareMode; label: string; hint: string; icon: ReactNode }[] = [
  {
    mode: "watch",
    label: "Watch",
    hint: "They follow the chat live, read-only.",
    icon: <Eye size={16} aria-hidden />,
  },
  {
    mode: "collaborate",
    label: "Collaborate",
    hint: "They can also send messages and stop answers.",
    icon: <PenLine size={16} aria-hidden />,
  },
];

type Busy = null | "load" | "create" | "mode" | "rotate" | "stop";

export default function ShareDialog({
  conversationId,
  open,
  onOpenChange,
  people,
  selfId,
  onShareChange,
}: ShareDialogProps) {
  const [share, setShare] = useState<Share | null>(null);
  const [mode, setMode] = useState<ShareMode>("watch");
  const [busy, setBusy] = useState<Busy>("load");
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let cancelled = false;
    getShare(conversationId).then(
      (state) => {
        if (cancelled) return;
        setShare(state.share);
        if (state.share) setMode(state.share.mode);
        setBusy(null);
      },
      (error: unknown) => {
        if (cancelled) return;
        setBusy(null);
        toast.error(describeError(error, "Could not load the share settings."));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [conversationId]);

  const run = async (
    kind: Exclude<Busy, null | "load">,
    action: () => Promise<Share | null>,
    done?: string,
  ) => {
    setBusy(kind);
    try {
      const next = await action();
      setShare(next);
      if (next) setMode(next.mode);
      onShareChange(next);
      if (done) toast.info(done);
    } catch (error) {
      // The choice on screen goes back to what the link really is.
      if (share) setMode(share.mode);
      toast.error(describeError(error, "That did not work. Try again."));
    } finally {
      setBusy(null);
    }
  };

  const chooseMode = (next: ShareMode) => {
    setMode(next);
    if (share && share.mode !== next) void run("mode", () => putShare(conversationId, next));
  };

  const copy = async () => {
    if (!share) return;
    if (await copyText(shareUrl(share))) {
      setCopied(true);
      setTimeout(() => setCopied(false), 1_500);
    }
  };

  const others = people.filter((p) => p.id !== selfId);

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-overlay motion-safe:animate-fade-in" />
        <Dialog.Content
          data-testid="share-dialog"
          className="fixed top-[12vh] left-1/2 z-50 max-h-[80vh] w-[min(30rem,calc(100vw-1.5rem))] -translate-x-1/2 overflow-y-auto rounded-2xl border border-line bg-surface p-5 text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <div className="flex items-start gap-3">
            <div className="min-w-0 flex-1">
              <Dialog.Title className="text-base font-semibold">Share this chat live</Dialog.Title>
              <Dialog.Description className="mt-1 text-sm text-muted">
                Anyone with the link sees this conversation and new answers as they are written.
              </Dialog.Description>
            </div>
            <Dialog.Close
              aria-label="Close"
              className="-mt-1 -mr-1 grid size-8 place-items-center rounded-lg text-muted hover:bg-hover hover:text-ink"
            >
              <X size={17} aria-hidden />
            </Dialog.Close>
          </div>

          <fieldset className="mt-5" disabled={busy !== null}>
            <legend className="mb-2 text-xs font-medium text-muted">People with the link can</legend>
            <div className="grid grid-cols-2 gap-2" role="radiogroup" aria-label="Link mode">
              {MODES.map((option) => {
                const checked = mode === option.mode;
                return (
                  <label
                    key={option.mode}
                    className={`flex cursor-pointer flex-col gap-1 rounded-xl border p-3 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-ring ${
                      checked ? "border-accent bg-accent-soft/60" : "border-line hover:bg-hover"
                    }`}
                  >
                    <input
                      type="radio"
                      name="share-mode"
                      value={option.mode}
                      checked={checked}
                      onChange={() => chooseMode(option.mode)}
                      className="sr-only"
                    />
                    <span
                      className={`flex items-center gap-2 text-sm font-medium ${checked ? "text-accent" : ""}`}
                    >
                      {option.icon}
                      {option.label}
                    </span>
                    <span className="text-xs leading-snug text-muted">{option.hint}</span>
                  </label>
                );
              })}
            </div>
          </fieldset>

          {busy === "load" ? (
            <div className="mt-5 h-10 animate-skeleton rounded-lg bg-subtle" aria-hidden="true" />
          ) : share ? (
            <div className="mt-5">
              <label htmlFor="share-link" className="mb-2 block text-xs font-medium text-muted">
                Link
              </label>
              <div className="flex gap-2">
                <input
                  id="share-link"
                  readOnly
                  value={shareUrl(share)}
                  data-testid="share-link"
                  onFocus={(event) => event.currentTarget.select()}
                  className="h-10 min-w-0 flex-1 rounded-lg border border-line bg-subtle px-3 font-mono text-[13px] text-ink outline-none focus:border-line-strong"
                />
                <button
                  type="button"
                  onClick={() => void copy()}
                  className="flex h-10 shrink-0 items-center gap-1.5 rounded-lg bg-accent px-3.5 text-sm font-medium text-accent-ink hover:bg-accent-hover"
                >
                  {copied ? <Check size={15} aria-hidden /> : <Copy size={15} aria-hidden />}
                  {copied ? "Copied" : "Copy link"}
                </button>
              </div>
              <div className="mt-3 flex flex-wrap items-center gap-2">
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={() =>
                    void run(
                      "rotate",
                      () => rotateShare(conversationId),
                      "New link created. The old one no longer works.",
                    )
                  }
                  className="flex h-9 items-center gap-1.5 rounded-lg px-2.5 text-sm text-muted transition-colors hover:bg-hover hover:text-ink disabled:opacity-40"
                  title="New link, the old one stops working"
                >
                  <RefreshCw size={14} aria-hidden className={busy === "rotate" ? "animate-spin" : ""} />
                  New link
                </button>
                <span className="text-xs text-muted">the old one stops working</span>
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={() =>
                    void run(
                      "stop",
                      async () => {
                        await deleteShare(conversationId);
                        return null;
                      },
                      "Sharing stopped. The link no longer works.",
                    )
                  }
                  className="ml-auto h-9 rounded-lg px-2.5 text-sm font-medium text-danger transition-colors hover:bg-danger/10 disabled:opacity-40"
                >
                  Stop sharing
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => void run("create", () => putShare(conversationId, mode))}
              className="mt-5 flex h-10 w-full items-center justify-center gap-2 rounded-lg bg-accent text-sm font-medium text-accent-ink hover:bg-accent-hover disabled:opacity-50"
            >
              <Link2 size={16} aria-hidden />
              {busy === "create" ? "Creating…" : "Create link"}
            </button>
          )}

          <section className="mt-6 border-t border-line pt-4" aria-labelledby="share-people">
            <h3 id="share-people" className="text-xs font-medium text-muted">
              In this chat now
            </h3>
            {others.length === 0 ? (
              <p className="mt-2 text-sm text-muted">Only you right now.</p>
            ) : (
              <ul className="mt-2 space-y-1" data-testid="share-people">
                {others.map((person) => (
                  <li key={person.id} className="flex items-center gap-2.5 py-1">
                    <Avatar person={person} size="md" />
                    <span className="min-w-0 flex-1 truncate text-sm">{person.name}</span>
                    <span className="text-xs text-muted">
                      {ROLE_LABELS[person.role]} · {devicesLabel(person.devices)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
