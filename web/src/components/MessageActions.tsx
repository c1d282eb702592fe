/**
 * The quiet controls of a message (they show on hover or keyboard focus): copy, regenerate (with
 * the same model, or another from a small menu), continue, edit, delete. What a person may do
 * comes from their role in the room; viewers only get Copy.
 */
import { createContext, lazy, Suspense, useContext, useEffect, useState } from "react";
import { Check, ChevronDown, Copy, Pencil, Play, RotateCcw, Trash2 } from "lucide-react";
import type { ModelInfo } from "#protocol/http";
import { copyText } from "../clipboard.ts";

const RegenerateMenu = lazy(() => import("./RegenerateMenu.tsx"));

/**
 * Whether an answer is being written in this room: actions that change the branch wait for it.
 * The buttons read it themselves, so when it flips (twice per answer) they re-render and the
 * messages around them do not.
 */
export const BusyContext = createContext(false);

/** The room is busy, or this control is disabled for its own reason. */
export function useBusy(disabled = false): boolean {
  return useContext(BusyContext) || disabled;
}

/** Everything a message can ask of its room; one stable object per render of the chat. */
export interface MessageCommands {
  /** Owner or collaborator (viewers only read). */
  canWrite: boolean;
  models: ModelInfo[];
  /** The model the composer would send with (used for edits). */
  model: string | null;
  regenerate: (messageId: string, model?: string) => void;
  continueAnswer: (messageId: string) => void;
  deleteMessage: (messageId: string) => void;
  edit: (messageId: string, content: string) => void;
  switchBranch: (messageId: string) => void;
}

export const actionButtonClass =
  "grid size-8 place-items-center rounded-lg text-muted transition-colors hover:bg-hover hover:text-ink disabled:pointer-events-none disabled:opacity-35 data-[state=open]:bg-hover data-[state=open]:text-ink max-sm:size-10";

const WAIT = "Wait for the answer to finish";

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        if (await copyText(text)) {
          setCopied(true);
          setTimeout(() => setCopied(false), 1_500);
        }
      }}
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      className={actionButtonClass}
    >
      {copied ? <Check size={15} aria-hidden /> : <Copy size={15} aria-hidden />}
    </button>
  );
}

export function EditButton({ onEdit, disabled: off = false }: { onEdit: () => void; disabled?: boolean }) {
  const disabled = useBusy(off);
  return (
    <button
      type="button"
      onClick={onEdit}
      disabled={disabled}
      aria-label="Edit message"
      title={disabled ? WAIT : "Edit"}
      className={actionButtonClass}
    >
      <Pencil size={15} aria-hidden />
    </button>
  );
}

/**
 * Delete asks once more in place: the first press turns the button into "Delete?", a second press
 * within a few seconds deletes (there is no undo for a single message).
 */
export function DeleteButton({
  onDelete,
  disabled: off = false,
  noun,
}: {
  onDelete: () => void;
  disabled?: boolean;
  noun: string;
}) {
  const disabled = useBusy(off);
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 4_000);
    return () => clearTimeout(timer);
  }, [armed]);
  if (armed) {
    return (
      <button
        type="button"
        autoFocus
        onClick={() => {
          setArmed(false);
          onDelete();
        }}
        onBlur={() => setArmed(false)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.stopPropagation();
            setArmed(false);
          }
        }}
        aria-label={`Confirm: delete this ${noun}`}
        className="flex h-8 items-center gap-1 rounded-lg bg-danger/10 px-2 text-xs font-medium text-danger max-sm:h-10"
      >
        <Trash2 size={14} aria-hidden />
        Delete?
      </button>
    );
  }
  return (
    <button
      type="button"
      onClick={() => setArmed(true)}
      disabled={disabled}
      aria-label={`Delete ${noun}`}
      title={disabled ? WAIT : `Delete ${noun}`}
      className={actionButtonClass}
    >
      <Trash2 size={15} aria-hidden />
    </button>
  );
}

/** Regenerate with the same model, and a small menu beside it to pick another. */
export function RegenerateButtons({ messageId, commands }: { messageId: string; commands: MessageCommands }) {
  const [menuOpen, setMenuOpen] = useState(false);
  // The menu's chunk loads on first use and then stays (Radix gives focus back to its own trigger).
  const [used, setUsed] = useState(false);
  const disabled = useBusy();
  const trigger = (
    <button
      type="button"
      disabled={disabled || commands.models.length === 0}
      aria-label="Regenerate with another model"
      title={disabled ? WAIT : "Regenerate with another model"}
      onClick={() => {
        setUsed(true);
        setMenuOpen(true);
      }}
      className={`${actionButtonClass} !w-5 rounded-l-none`}
    >
      <ChevronDown size={13} aria-hidden />
    </button>
  );
  return (
    <span className="flex items-center">
      <button
        type="button"
        onClick={() => commands.regenerate(messageId)}
        disabled={disabled}
        aria-label="Regenerate"
        title={disabled ? WAIT : "Regenerate"}
        className={`${actionButtonClass} rounded-r-none`}
      >
        <RotateCcw size={15} aria-hidden />
      </button>
      {used ? (
        <Suspense fallback={trigger}>
          <RegenerateMenu
            models={commands.models}
            disabled={disabled}
            open={menuOpen}
            onOpenChange={setMenuOpen}
            onChoose={(model) => commands.regenerate(messageId, model)}
            triggerClass={`${actionButtonClass} !w-5 rounded-l-none`}
          />
        </Suspense>
      ) : (
        trigger
      )}
    </span>
  );
}

export function ContinueButton({
  onContinue,
  disabled: off = false,
}: {
  onContinue: () => void;
  disabled?: boolean;
}) {
  const disabled = useBusy(off);
  return (
    <button
      type="button"
      onClick={onContinue}
      disabled={disabled}
      title={disabled ? WAIT : "Continue writing this answer"}
      className="flex h-8 items-center gap-1 rounded-lg px-2 text-xs font-medium text-accent transition-colors hover:bg-hover disabled:pointer-events-none disabled:opacity-35 max-sm:h-10"
    >
      <Play size={12} aria-hidden fill="currentColor" />
      Continue
    </button>
  );
}
