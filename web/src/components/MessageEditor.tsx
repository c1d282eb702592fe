/**
 * Editing a prompt in place: Save & send answers the new text (the old prompt and its answer stay
 * as a branch), Cancel or Esc leave it as it was, Ctrl/Cmd+Enter sends.
 */
import { useLayoutEffect, useRef, useState } from "react";
import { MAX_PROMPT_CHARS } from "#protocol/limits";
import { modKey } from "./Kbd.tsx";
import { useBusy } from "./MessageActions.tsx";

interface MessageEditorProps {
  initial: string;
  /** Sending is not possible for a reason of its own (no model yet); a busy room also disables it. */
  disabled: boolean;
  onSave: (content: string) => void;
  onCancel: () => void;
}

export function MessageEditor({ initial, disabled: off, onSave, onCancel }: MessageEditorProps) {
  const disabled = useBusy(off);
  const [value, setValue] = useState(initial);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const text = value.trim();
  const canSave = !disabled && text.length > 0 && value.length <= MAX_PROMPT_CHARS;

  useLayoutEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, Math.round(window.innerHeight * 0.5))}px`;
  }, [value]);

  useLayoutEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const save = () => {
    if (canSave) onSave(text);
  };

  return (
    <form
      className="w-full max-w-[85%] rounded-card border border-line-strong bg-surface p-2 shadow-card"
      data-testid="message-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <textarea
        ref={textarea}
        value={value}
        rows={2}
        aria-label="Edited message"
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            save();
          }
        }}
        className="block max-h-[50vh] w-full resize-none bg-transparent px-2 py-1.5 text-[15.5px] leading-relaxed focus:outline-none"
      />
      <div className="mt-1 flex items-center justify-end gap-2">
        <span className="mr-auto pl-2 text-[11.5px] text-muted max-sm:hidden">
          {modKey}Enter to send · Esc to cancel
        </span>
        <button
          type="button"
          onClick={onCancel}
          className="h-8 rounded-full px-3.5 text-sm font-medium text-muted transition-colors hover:bg-hover hover:text-ink max-sm:h-10"
        >
          Cancel
        </button>
        <button
          type="submit"
          disabled={!canSave}
          className="h-8 rounded-full bg-accent px-3.5 text-sm font-medium text-accent-ink transition-colors hover:bg-accent-hover disabled:cursor-not-allowed disabled:opacity-40 max-sm:h-10"
        >
          Save & send
        </button>
      </div>
    </form>
  );
}
